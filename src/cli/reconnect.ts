/**
 * Riding out a Temporal server that goes away while the CLI watches a
 * workflow. The workflow lives on the server and carries on after a restart,
 * so a watcher that quits on the first lost connection reports a failure that
 * did not happen. Instead: retry with backoff for a window (one outage at a
 * time), say that we are reconnecting, and give up as "unreachable" (exit 3).
 * Pure: the clock, sleep and reconnect are injected, so the loop is unit-tested.
 */
import { ServerUnreachableError } from "../utils/errors";

/** gRPC status codes that mean "the server went away", not "the server said no". */
const GRPC_CANCELLED = 1;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_INTERNAL = 13;
const GRPC_UNAVAILABLE = 14;
const LOST_CONNECTION_TEXT = /ECONNREFUSED|ECONNRESET|EPIPE|socket hang up|RST_STREAM|connection (dropped|closed|reset)|transport (error|is closing)/i;

/** True when `error` (or one of its causes) is a lost connection to the server rather than an answer from it. */
export function isConnectionLoss(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 10 && current instanceof Error; depth++) {
    const { code, details } = current as Error & { code?: unknown; details?: unknown };
    if (code === "UNREACHABLE") return true;
    if (typeof code === "number" && typeof details === "string") {
      if (code === GRPC_UNAVAILABLE || code === GRPC_DEADLINE_EXCEEDED || code === GRPC_CANCELLED) return true;
      if (code === GRPC_INTERNAL && LOST_CONNECTION_TEXT.test(details)) return true;
      return false;
    }
    if (LOST_CONNECTION_TEXT.test(current.message)) return true;
    current = current.cause;
  }
  return false;
}

export interface ReconnectPolicy {
  /** How long one outage may last before giving up; 0 gives up at once. */
  windowMs: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
  /**
   * After a reconnect, the connection must hold this long for the next loss
   * to count as a new outage (with a fresh window): a server that accepts
   * connections but fails every call does not keep us waiting forever.
   */
  healthyMs?: number;
  /** A "still reconnecting" line at most this often. */
  reportEveryMs?: number;
}

export interface ReconnectEnvironment {
  /** Replace the connection; throws while the server is still away. */
  reconnect: () => Promise<void>;
  /** One line for the user (stderr). */
  notify: (line: string) => void;
  /** The server's address, for messages. */
  address: string;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** Exponential backoff: 1 s, 2 s, 4 s … capped. */
export function backoffDelay(attempt: number, initialMs = 1_000, maxMs = 15_000): number {
  return Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60}s`;
}

function reasonOf(error: unknown): string {
  const messages: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const details = (current as { details?: unknown }).details;
    messages.push(typeof details === "string" && details !== "" ? details : current.message);
    current = current.cause;
  }
  return messages[messages.length - 1] ?? String(error);
}

/** Run `work` until it settles, reconnecting through outages of up to `policy.windowMs`. */
export async function retryThroughOutages<T>(work: () => Promise<T>, policy: ReconnectPolicy, env: ReconnectEnvironment): Promise<T> {
  const sleep = env.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = env.now ?? Date.now;
  const healthyMs = policy.healthyMs ?? 60_000;
  const reportEveryMs = policy.reportEveryMs ?? 30_000;
  let outageStart: number | undefined;
  let reconnectedAt: number | undefined;
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (!isConnectionLoss(error)) throw error;
      const lostAt = now();
      if (outageStart === undefined || (reconnectedAt !== undefined && lostAt - reconnectedAt >= healthyMs)) {
        outageStart = lostAt;
        env.notify(
          policy.windowMs > 0
            ? `lost the connection to Temporal at ${env.address} (${reasonOf(error)}); reconnecting for up to ${formatDuration(policy.windowMs)}`
            : `lost the connection to Temporal at ${env.address} (${reasonOf(error)})`,
        );
      }
      reconnectedAt = undefined;
      let lastReport = lostAt;
      for (let attempt = 0; reconnectedAt === undefined; attempt++) {
        const elapsed = now() - outageStart;
        if (elapsed >= policy.windowMs) {
          throw new ServerUnreachableError(
            "Temporal server",
            env.address,
            `Gave up reconnecting after ${formatDuration(elapsed)} (MATERIA_CLI_RECONNECT_SECONDS sets how long). The workflow itself carries on once the server is back: follow it in the Web UI or with \`materia backfill status <id>\`.`,
            error,
          );
        }
        await sleep(Math.min(backoffDelay(attempt, policy.initialDelayMs, policy.maxDelayMs), policy.windowMs - elapsed));
        try {
          await env.reconnect();
          reconnectedAt = now();
          env.notify(`reconnected to Temporal at ${env.address}; carrying on`);
        } catch (reconnectError) {
          if (!isConnectionLoss(reconnectError)) throw reconnectError;
          if (now() - lastReport >= reportEveryMs) {
            lastReport = now();
            env.notify(`still reconnecting to Temporal at ${env.address} (${formatDuration(lastReport - outageStart)} so far)`);
          }
        }
      }
    }
  }
}
