/**
 * The generic webhook's signature scheme (Stripe-style, so a replayed body
 * cannot be re-sent later with a fresh timestamp):
 *
 *   X-Materia-Timestamp: <unix seconds when sent>
 *   X-Materia-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 *
 * A receiver recomputes the HMAC over the raw bytes of the body as received
 * (before parsing JSON), compares in constant time, and rejects timestamps
 * older than a few minutes. `verifyWebhookSignature` does all three.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "X-Materia-Signature";
export const TIMESTAMP_HEADER = "X-Materia-Timestamp";
const PREFIX = "sha256=";
/** Default replay window. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function signWebhookBody(secret: string, timestamp: number, rawBody: string | Buffer): string {
  const hmac = createHmac("sha256", secret);
  hmac.update(`${timestamp}.`);
  hmac.update(rawBody);
  return `${PREFIX}${hmac.digest("hex")}`;
}

export interface VerifyWebhookInput {
  secret: string;
  /** The body exactly as received. */
  rawBody: string | Buffer;
  /** The X-Materia-Signature header. */
  signature: string | undefined;
  /** The X-Materia-Timestamp header. */
  timestamp: string | undefined;
  now?: Date;
  toleranceSeconds?: number;
}

export function verifyWebhookSignature(input: VerifyWebhookInput): boolean {
  if (input.signature === undefined || input.timestamp === undefined || !/^\d+$/.test(input.timestamp)) return false;
  const timestamp = Number(input.timestamp);
  const nowSeconds = Math.floor((input.now ?? new Date()).getTime() / 1000);
  if (Math.abs(nowSeconds - timestamp) > (input.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS)) return false;
  const expected = Buffer.from(signWebhookBody(input.secret, timestamp, input.rawBody));
  const given = Buffer.from(input.signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
