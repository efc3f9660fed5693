/**
 * Delivery failures, split by what a retry can do about them. Messages name
 * the channel and the HTTP status, never the receiver's URL, routing key or
 * secret (those come from config and may be in the URL itself).
 */
import { MateriaError } from "../../core";

/**
 * The receiver refused the alert (HTTP 4xx other than 429): a bad routing
 * key, a revoked webhook, a malformed payload. Retrying sends the same
 * request to the same refusal, so it is not retried; it is logged and
 * surfaced on the run. Temporal: fail with ApplicationFailure.nonRetryable,
 * or list "AlertRejectedError" in the retry policy's nonRetryableErrorTypes.
 */
export class AlertRejectedError extends MateriaError {
  readonly nonRetryable = true;

  constructor(
    readonly channel: string,
    readonly status: number,
    detail: string,
  ) {
    super("ALERT_REJECTED", `${channel} rejected the alert with HTTP ${status}${detail ? `: ${detail}` : ""}`, {
      hint: hintFor(channel),
    });
  }
}

/**
 * The alert did not get through but may on a later try: the receiver
 * answered 5xx or 429, timed out, or could not be reached.
 */
export class AlertDeliveryError extends MateriaError {
  readonly nonRetryable = false;

  constructor(
    readonly channel: string,
    readonly status: number | undefined,
    detail: string,
  ) {
    super("ALERT_DELIVERY", `${channel} did not take the alert${status === undefined ? "" : ` (HTTP ${status})`}: ${detail}`, {
      hint: "Retried with backoff; the alert is delivered once the receiver is back.",
    });
  }
}

function hintFor(channel: string): string {
  if (channel === "pagerduty") return "Check MATERIA_PAGERDUTY_ROUTING_KEY (an Events API v2 integration key) and MATERIA_PAGERDUTY_URL.";
  if (channel === "slack") return "Check MATERIA_SLACK_WEBHOOK_URL: the incoming webhook may have been revoked.";
  if (channel === "webhook") return "Check MATERIA_WEBHOOK_URL and that the receiver shares MATERIA_WEBHOOK_SECRET.";
  return "Check the channel's settings.";
}
