/**
 * A Temporal client for commands that watch a workflow: when the server goes
 * away mid-watch, `retrying` reconnects with a fresh connection (gRPC's own
 * channel backoff can leave an old one idle for minutes after the server is
 * back) and re-issues the call, for MATERIA_CLI_RECONNECT_SECONDS. The first
 * connection is not retried: no server at all fails at once (exit 3).
 */
import type { Client } from "@temporalio/client";
import type { MateriaConfig } from "../config";
import { connectClient, temporalAddress } from "../temporal/connection";
import { retryThroughOutages, type ReconnectPolicy } from "./reconnect";

export class TemporalSession {
  /**
   * Connections replaced by a reconnect. Closed only with the session: a call
   * still in flight on one (the progress poll) would otherwise hit a closed
   * gRPC channel from the SDK's retry timer, which throws outside any promise.
   */
  private readonly retired: Client[] = [];

  private constructor(
    private current: Client,
    private readonly config: MateriaConfig,
    private readonly policy: ReconnectPolicy,
  ) {}

  static async open(config: MateriaConfig, policy: Partial<ReconnectPolicy> = {}): Promise<TemporalSession> {
    return new TemporalSession(await connectClient(config), config, { windowMs: config.cli.reconnectWindowSeconds * 1000, ...policy });
  }

  /** The client of the current connection; replaced on reconnect, so read it per call. */
  get client(): Client {
    return this.current;
  }

  get taskQueue(): string {
    return this.config.temporal.taskQueue;
  }

  /** `work` with the current client, re-run on a fresh connection after the server went away. */
  retrying<T>(work: (client: Client) => Promise<T>): Promise<T> {
    return retryThroughOutages(() => work(this.current), this.policy, {
      address: temporalAddress(this.config),
      notify: (line) => console.error(`materia: ${line}`),
      reconnect: async () => {
        const next = await connectClient(this.config, { timeoutMs: 3_000 });
        this.retired.push(this.current);
        this.current = next;
      },
    });
  }

  /** Call once nothing runs on the session any more. */
  async close(): Promise<void> {
    await Promise.allSettled(this.retired.map((client) => client.connection.close()));
    await this.current.connection.close();
  }
}

/** Run `work` with a session, closing its connection afterwards whatever happens. */
export async function withTemporalSession<T>(config: MateriaConfig, work: (session: TemporalSession) => Promise<T>): Promise<T> {
  const session = await TemporalSession.open(config);
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}
