/**
 * POST a JSON body to a receiver and sort the answer into delivered,
 * rejected (4xx: do not retry) or failed (5xx, 429, timeout, network: retry).
 * The receiver's URL never leaves this function; its response body is
 * scrubbed of the channel's secrets before it goes into an error message.
 */
import { secretScrubber } from "../../utils/logger";
import { AlertDeliveryError, AlertRejectedError } from "./errors";

/** Long enough for a slow receiver, short enough that an activity attempt does not hang. */
export const ALERT_TIMEOUT_MS = 10_000;
const DETAIL_LENGTH = 200;

export interface PostJsonRequest {
  channel: string;
  url: string;
  body: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** Values to scrub from anything echoed back (the URL, keys, secrets). */
  secrets: ReadonlyArray<string | undefined>;
}

export async function postJson(request: PostJsonRequest): Promise<void> {
  const timeoutMs = request.timeoutMs ?? ALERT_TIMEOUT_MS;
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "materia-alerts", ...request.headers },
      body: request.body,
      signal: AbortSignal.timeout(timeoutMs),
      // A redirect is answered as a rejection: the configured URL is wrong, and the body should not follow it elsewhere.
      redirect: "manual",
    });
  } catch (error) {
    throw new AlertDeliveryError(request.channel, undefined, networkProblem(error, timeoutMs));
  }
  const text = await response.text().catch(() => "");
  if (response.ok) return;
  const detail = scrubbedDetail(text, request);
  if (response.status === 429 || response.status >= 500) throw new AlertDeliveryError(request.channel, response.status, detail || response.statusText);
  throw new AlertRejectedError(request.channel, response.status, detail || response.statusText);
}

/** Only a timeout or an error code: a fetch error's message or cause can carry the host and path. */
function networkProblem(error: unknown, timeoutMs: number): string {
  // Duck-typed: the timeout is a DOMException, which is not always an `instanceof Error` (e.g. across VM contexts).
  const failure = (typeof error === "object" && error !== null ? error : {}) as { name?: unknown; cause?: { code?: unknown } };
  if (failure.name === "TimeoutError" || failure.name === "AbortError") return `no answer within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}`;
  const code = typeof failure.cause?.code === "string" ? failure.cause.code : undefined;
  return `could not reach the receiver${code ? ` (${code})` : ""}`;
}

function scrubbedDetail(text: string, request: PostJsonRequest): string {
  const scrub = secretScrubber([...request.secrets, ...urlParts(request.url)]);
  return scrub(text.replace(/\s+/g, " ").trim()).slice(0, DETAIL_LENGTH);
}

/** A receiver may echo its path rather than the whole URL; for Slack the path is the secret. */
function urlParts(url: string): string[] {
  try {
    const parsed = new URL(url);
    return [url, `${parsed.pathname}${parsed.search}`, parsed.pathname, parsed.search.slice(1), ...parsed.pathname.split("/")];
  } catch {
    return [url];
  }
}
