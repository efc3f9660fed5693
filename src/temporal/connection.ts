/**
 * Connect to Temporal with a bounded timeout. For an external server the
 * address, TLS and API key follow Temporal's own environment conventions
 * (@temporalio/envconfig); otherwise the embedded dev server's address.
 */
import { Client, Connection, type ConnectionOptions } from "@temporalio/client";
import { loadClientConnectConfig } from "@temporalio/envconfig";
import type { MateriaConfig } from "../config";
import { ServerUnreachableError } from "../utils/errors";

export const START_EMBEDDED_HINT =
  "Start the embedded dev server with `materia dev` (in this repository: `npm run materia -- dev` or `npm start`), or set TEMPORAL_ADDRESS to a running Temporal server.";

export function temporalAddress(config: MateriaConfig): string {
  return config.temporal.address ?? `127.0.0.1:${config.temporal.embeddedPort}`;
}

/** Connect to `address`; fails within `timeoutMs` with a ServerUnreachableError naming the address. */
export async function connectTemporalAt(
  address: string,
  options: { timeoutMs?: number; connectionOptions?: Partial<ConnectionOptions>; hint?: string } = {},
): Promise<Connection> {
  try {
    return await Connection.connect({ ...options.connectionOptions, address, connectTimeout: options.timeoutMs ?? 5_000 });
  } catch (error) {
    throw new ServerUnreachableError("Temporal server", address, options.hint ?? START_EMBEDDED_HINT, error);
  }
}

export async function connectTemporal(config: MateriaConfig, options: { timeoutMs?: number } = {}): Promise<Connection> {
  if (config.temporal.address === undefined) {
    return connectTemporalAt(temporalAddress(config), options);
  }
  // Empty variables are unset, as materia's own settings treat them: Temporal's loader would take `TEMPORAL_API_KEY=` as a key and turn TLS on.
  const env = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ""));
  const { connectionOptions } = loadClientConnectConfig({ overrideEnvVars: env });
  return connectTemporalAt(config.temporal.address, {
    ...options,
    connectionOptions: { ...connectionOptions, ...(config.temporal.apiKey ? { apiKey: config.temporal.apiKey } : {}) },
    hint: "Check TEMPORAL_ADDRESS (and TLS / API key settings) and that the server is up; or unset TEMPORAL_ADDRESS to use the embedded dev server.",
  });
}

export async function connectClient(config: MateriaConfig, options: { timeoutMs?: number } = {}): Promise<Client> {
  const connection = await connectTemporal(config, options);
  return new Client({ connection, namespace: config.temporal.namespace });
}

/** Run `work` with a client, closing its connection afterwards whatever happens. */
export async function withTemporalClient<T>(config: MateriaConfig, work: (client: Client) => Promise<T>): Promise<T> {
  const client = await connectClient(config);
  try {
    return await work(client);
  } finally {
    await client.connection.close();
  }
}
