/**
 * A real HTTP receiver on loopback for alert tests: records every request
 * (method, path, headers, raw body, parsed JSON) and answers 200, or a
 * scripted status for the next N requests (to play a receiver that is down
 * or refuses), or one status to every request until told otherwise (down
 * for as long as a test needs, however many retries arrive meanwhile).
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  json: unknown;
  /** The status this receiver answered. */
  status: number;
}

export class AlertReceiver {
  readonly requests: RecordedRequest[] = [];
  private scripted: Array<{ status: number; body: string; delayMs: number }> = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private downStatus: number | undefined;

  private readonly server: Server = createServer((req, res) => this.handle(req, res));

  static async start(): Promise<AlertReceiver> {
    const receiver = new AlertReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, "127.0.0.1", resolve));
    return receiver;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const rawBody = Buffer.concat(chunks).toString("utf8");
      const next = this.downStatus !== undefined ? { status: this.downStatus, body: "down", delayMs: 0 } : (this.scripted.shift() ?? { status: 200, body: "ok", delayMs: 0 });
      this.requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, rawBody, json: parseJson(rawBody), status: next.status });
      const answer = () => res.writeHead(next.status, { "content-type": "text/plain" }).end(next.body);
      if (next.delayMs === 0) return answer();
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        answer();
      }, next.delayMs);
      this.timers.add(timer);
    });
  }

  /** e.g. url("/services/T000/B000/secret") */
  url(path: string): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}${path}`;
  }

  /** Answer `status` (with `body`, after `delayMs`) to the next `times` requests, then 200 again. */
  respondWith(status: number, times = 1, body = "", delayMs = 0): void {
    for (let i = 0; i < times; i++) this.scripted.push({ status, body, delayMs });
  }

  /** Answer `status` to every request until `comeBack()`. */
  goDown(status = 500): void {
    this.downStatus = status;
  }

  comeBack(): void {
    this.downStatus = undefined;
  }

  requestsTo(pathPrefix: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path.startsWith(pathPrefix));
  }

  reset(): void {
    this.requests.length = 0;
    this.scripted = [];
    this.downStatus = undefined;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A PagerDuty Events v2 routing key for tests (32 characters, as the setting requires). */
export const TEST_ROUTING_KEY = "0123456789abcdef0123456789abcdef";

/** Settings that route errors to PagerDuty and Slack, warnings to Slack, all at `receiver`. */
export function alertSettings(receiver: AlertReceiver): Record<string, string> {
  return {
    MATERIA_SLACK_WEBHOOK_URL: receiver.url("/slack/T000/B000/secret-token"),
    MATERIA_PAGERDUTY_ROUTING_KEY: TEST_ROUTING_KEY,
    MATERIA_PAGERDUTY_URL: receiver.url("/pagerduty"),
    MATERIA_ALERT_ROUTES: "error=pagerduty,slack;warn=slack",
  };
}
