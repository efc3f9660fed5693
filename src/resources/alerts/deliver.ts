/**
 * Send one alert to its routed channels. Plain async: the lead's Temporal
 * activity wraps it and owns retries and backoff. Deliver one channel per
 * activity (`deliverAlert([channel], alert)`) so a retry never re-sends to a
 * channel that already took the alert.
 */
import type { Logger } from "../../utils/logger";
import { AlertDeliveryError, AlertRejectedError } from "./errors";
import type { Alert, AlertChannel, AlertChannelName } from "./types";

export interface DeliverOptions {
  log?: Logger;
}

/**
 * Resolves with the channels that took the alert when all did. Otherwise
 * throws: an AlertDeliveryError when any failure is retryable (so the retry
 * happens), else the AlertRejectedError. Every failure is logged, without
 * URLs, keys or secrets.
 */
export async function deliverAlert(channels: readonly AlertChannel[], alert: Alert, options: DeliverOptions = {}): Promise<AlertChannelName[]> {
  const log = options.log?.child({ alert: alert.kind, dedupKey: alert.dedupKey, asset: alert.asset, partition: alert.partition, check: alert.check });
  const outcomes = await Promise.allSettled(channels.map((channel) => channel.send(alert)));
  const delivered: AlertChannelName[] = [];
  const failures: Array<AlertDeliveryError | AlertRejectedError> = [];
  outcomes.forEach((outcome, index) => {
    const channel = channels[index]!;
    if (outcome.status === "fulfilled") {
      delivered.push(channel.name);
      log?.info({ channel: channel.name }, "alert delivered");
      return;
    }
    const failure = typedFailure(channel.name, outcome.reason);
    failures.push(failure);
    log?.[failure.nonRetryable ? "error" : "warn"]({ channel: channel.name, status: failure.status, nonRetryable: failure.nonRetryable, err: failure.message }, "alert not delivered");
  });
  const retryable = failures.find((f): f is AlertDeliveryError => !f.nonRetryable);
  if (retryable) throw retryable;
  if (failures[0]) throw failures[0];
  return delivered;
}

/** A channel bug (not an HTTP answer) is treated as retryable: the next attempt may get through. */
function typedFailure(channel: string, reason: unknown): AlertDeliveryError | AlertRejectedError {
  if (reason instanceof AlertRejectedError || reason instanceof AlertDeliveryError) return reason;
  return new AlertDeliveryError(channel, undefined, reason instanceof Error ? reason.name : "unexpected failure");
}
