/** The configured channels, by name. Config loading has already rejected bad URLs and keys (ConfigError at start). */
import { ConfigError } from "../../config";
import { pagerDutyChannel } from "./pagerduty";
import type { AlertsConfig } from "./routing";
import { slackChannel } from "./slack";
import type { AlertChannel, AlertChannelName } from "./types";
import { webhookChannel } from "./webhook";

export interface AlertChannelOptions {
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
}

export function createAlertChannels(config: AlertsConfig, options: AlertChannelOptions = {}): Map<AlertChannelName, AlertChannel> {
  const channels = new Map<AlertChannelName, AlertChannel>();
  const timeout = options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {};
  if (config.slackWebhookUrl !== undefined) channels.set("slack", slackChannel({ webhookUrl: config.slackWebhookUrl, ...timeout }));
  if (config.pagerduty.routingKey !== undefined) channels.set("pagerduty", pagerDutyChannel({ routingKey: config.pagerduty.routingKey, url: config.pagerduty.url, ...timeout }));
  if (config.webhook.url !== undefined) {
    if (config.webhook.secret === undefined) {
      throw new ConfigError([{ variable: "MATERIA_WEBHOOK_SECRET", problem: "is required when MATERIA_WEBHOOK_URL is set (the webhook body is HMAC-signed)", example: "a-long-random-shared-secret" }]);
    }
    channels.set("webhook", webhookChannel({ url: config.webhook.url, secret: config.webhook.secret, ...timeout }));
  }
  return channels;
}

/** The channels for a list of routed names; a name with no configured channel is a config bug, reported as such. */
export function channelsNamed(channels: ReadonlyMap<AlertChannelName, AlertChannel>, names: readonly AlertChannelName[]): AlertChannel[] {
  return names.map((name) => {
    const channel = channels.get(name);
    if (channel === undefined) throw new ConfigError([{ variable: "MATERIA_ALERT_ROUTES", problem: `routes alerts to "${name}", which is not configured`, example: "error=slack" }]);
    return channel;
  });
}
