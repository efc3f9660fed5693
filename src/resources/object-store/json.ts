/** JSON encoding shared by both stores, so manifests look the same everywhere. */
import { ObjectStoreError } from "./errors";

export const JSON_CONTENT_TYPE = "application/json";

/** Pretty-printed with a trailing newline: manifests are small and people read them. */
export function encodeJson(key: string, value: unknown): string {
  const text = JSON.stringify(value, null, 2) as string | undefined;
  if (text === undefined) {
    throw new ObjectStoreError(`Cannot store ${typeof value} as JSON at ${JSON.stringify(key)}`, {
      code: "INVALID_JSON",
      hint: "putJson takes a JSON-serializable value (object, array, string, number, boolean or null).",
    });
  }
  return `${text}\n`;
}

export function decodeJson<T>(key: string, bytes: Buffer): T {
  try {
    return JSON.parse(bytes.toString("utf8")) as T;
  } catch (error) {
    throw new ObjectStoreError(`Object ${JSON.stringify(key)} is not valid JSON: ${(error as Error).message}`, {
      code: "INVALID_JSON",
      hint: "The object was not written by putJson, or was corrupted; inspect it or delete it and re-materialize.",
      cause: error,
    });
  }
}
