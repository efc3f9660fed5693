import { ServiceError, WorkflowFailedError, WorkflowNotFoundError } from "@temporalio/client";
import { ApplicationFailure, RetryState } from "@temporalio/common";
import { backoffDelay, isConnectionLoss, retryThroughOutages, type ReconnectEnvironment } from "../../src/cli/reconnect";
import { EXIT, reportError } from "../../src/cli/runtime";
import { ServerUnreachableError } from "../../src/utils/errors";

/** What the client throws when the server went away mid-call: a ServiceError around a gRPC UNAVAILABLE. */
function serverGone(): Error {
  const grpc = Object.assign(new Error("14 UNAVAILABLE: Connection dropped"), { code: 14, details: "Connection dropped", metadata: {} });
  return new ServiceError("Failed to get Workflow execution history", { cause: grpc });
}

/** A fake clock: sleeping advances it, nothing waits for real. */
function fakeTime(): { now: () => number; sleep: (ms: number) => Promise<void>; advance: (ms: number) => void } {
  let t = 1_000_000;
  return {
    now: () => t,
    sleep: (ms) => {
      t += ms;
      return Promise.resolve();
    },
    advance: (ms) => void (t += ms),
  };
}

function environment(time: ReturnType<typeof fakeTime>, reconnect: () => Promise<void> = () => Promise.resolve()): ReconnectEnvironment & { lines: string[] } {
  const lines: string[] = [];
  return { address: "127.0.0.1:7233", notify: (line) => lines.push(line), reconnect, sleep: time.sleep, now: time.now, lines };
}

describe("isConnectionLoss: a server that went away, not one that answered", () => {
  it("recognises a lost connection through the client's wrapping", () => {
    expect(isConnectionLoss(serverGone())).toBe(true);
    expect(isConnectionLoss(new ServerUnreachableError("Temporal server", "127.0.0.1:7233", "start it"))).toBe(true);
    expect(isConnectionLoss(Object.assign(new Error("4 DEADLINE_EXCEEDED"), { code: 4, details: "Deadline exceeded", metadata: {} }))).toBe(true);
  });

  it("does not retry answers: not found, a failed workflow, a bug", () => {
    expect(isConnectionLoss(new WorkflowNotFoundError("not found", "wf", undefined))).toBe(false);
    expect(isConnectionLoss(Object.assign(new Error("5 NOT_FOUND"), { code: 5, details: "workflow not found", metadata: {} }))).toBe(false);
    expect(isConnectionLoss(new WorkflowFailedError("Workflow execution failed", ApplicationFailure.create({ message: "boom" }), RetryState.NON_RETRYABLE_FAILURE))).toBe(false);
    expect(isConnectionLoss(new TypeError("x is undefined"))).toBe(false);
  });
});

describe("retryThroughOutages", () => {
  it("reconnects through an outage, says so, and returns the result", async () => {
    const time = fakeTime();
    let calls = 0;
    let reconnects = 0;
    const env = environment(time, async () => {
      reconnects++;
      // The server is back after three attempts.
      if (reconnects < 3) throw new ServerUnreachableError("Temporal server", "127.0.0.1:7233", "start it");
    });
    const result = await retryThroughOutages(
      async () => {
        calls++;
        if (calls === 1) throw serverGone();
        return "succeeded";
      },
      { windowMs: 600_000 },
      env,
    );
    expect(result).toBe("succeeded");
    expect(calls).toBe(2);
    expect(reconnects).toBe(3);
    expect(env.lines[0]).toMatch(/lost the connection to Temporal at 127\.0\.0\.1:7233 \(Connection dropped\); reconnecting for up to 10 min/);
    expect(env.lines[env.lines.length - 1]).toMatch(/reconnected to Temporal at 127\.0\.0\.1:7233/);
  });

  it("backs off exponentially up to a cap", () => {
    expect([0, 1, 2, 3, 4, 5, 10].map((attempt) => backoffDelay(attempt))).toEqual([1_000, 2_000, 4_000, 8_000, 15_000, 15_000, 15_000]);
  });

  it("gives up after the window as unreachable (exit 3), not as a failure (exit 1)", async () => {
    const time = fakeTime();
    const env = environment(time, () => Promise.reject(new ServerUnreachableError("Temporal server", "127.0.0.1:7233", "start it")));
    const error = await retryThroughOutages(() => Promise.reject(serverGone()), { windowMs: 120_000 }, env).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerUnreachableError);
    expect((error as ServerUnreachableError).describe()).toMatch(/127\.0\.0\.1:7233 is not reachable[\s\S]*Gave up reconnecting after 2 min/);
    expect(env.lines.some((line) => line.startsWith("still reconnecting"))).toBe(true);
    const spy = jest.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      expect(reportError(error)).toBe(EXIT.unreachable);
    } finally {
      spy.mockRestore();
    }
  });

  it("with a window of 0, gives up at once", async () => {
    const time = fakeTime();
    let reconnects = 0;
    const env = environment(time, async () => void reconnects++);
    await expect(retryThroughOutages(() => Promise.reject(serverGone()), { windowMs: 0 }, env)).rejects.toBeInstanceOf(ServerUnreachableError);
    expect(reconnects).toBe(0);
  });

  it("rethrows anything that is not a lost connection at once", async () => {
    const time = fakeTime();
    let reconnects = 0;
    const env = environment(time, async () => void reconnects++);
    await expect(retryThroughOutages(() => Promise.reject(new Error("bad request")), { windowMs: 600_000 }, env)).rejects.toThrow("bad request");
    expect(reconnects).toBe(0);
  });

  it("gives a later outage a fresh window once the connection held, but not a server that fails every call", async () => {
    const time = fakeTime();
    const env = environment(time);
    // Healthy for 5 minutes after each reconnect, then lost again: every outage is new.
    let calls = 0;
    const result = await retryThroughOutages(
      async () => {
        calls++;
        if (calls > 1) time.advance(5 * 60_000);
        if (calls < 6) throw serverGone();
        return "done";
      },
      { windowMs: 60_000, healthyMs: 60_000 },
      env,
    );
    expect(result).toBe("done");
    expect(env.lines.filter((l) => l.startsWith("lost the connection"))).toHaveLength(5);

    // Reconnects succeed but every call fails at once: one outage, which ends.
    const flapping = fakeTime();
    const flappingEnv = environment(flapping);
    await expect(retryThroughOutages(() => Promise.reject(serverGone()), { windowMs: 60_000, healthyMs: 60_000 }, flappingEnv)).rejects.toBeInstanceOf(ServerUnreachableError);
    expect(flappingEnv.lines.filter((l) => l.startsWith("lost the connection"))).toHaveLength(1);
  });
});
