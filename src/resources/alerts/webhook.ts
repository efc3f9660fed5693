/**
 * Generic webhook: the alert as JSON, signed with the shared secret (scheme
 * in webhook-signature.ts). `X-Materia-Dedup-Key` lets a receiver drop a
 * delivery it already has (a retry after a lost response).
 */
import { postJson } from "./http";
import { SIGNATURE_HEADER, signWebhookBody, TIMESTAMP_HEADER } from "./webhook-signature";
import type { Alert, AlertChannel } from "./types";

export interface WebhookChannelOptions {
  url: string;
  secret: string;
  timeoutMs?: number;
  /** Clock for the timestamp header (tests). */
  now?: () => Date;
}

export interface WebhookBody {
  version: 1;
  alert: Alert;
}

export function webhookChannel(options: WebhookChannelOptions): AlertChannel {
  return {
    name: "webhook",
    async send(alert) {
      const body = JSON.stringify({ version: 1, alert } satisfies WebhookBody);
      const timestamp = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
      await postJson({
        channel: "webhook",
        url: options.url,
        body,
        headers: {
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signWebhookBody(options.secret, timestamp, body),
          "X-Materia-Event": alert.kind,
          "X-Materia-Dedup-Key": alert.dedupKey,
        },
        secrets: [options.url, options.secret],
        timeoutMs: options.timeoutMs,
      });
    },
  };
}
