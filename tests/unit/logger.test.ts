import { Writable } from "node:stream";
import { createLogger, REDACTED, secretScrubber, stepLogger } from "../../src/utils/logger";

function capture(): { stream: Writable; lines: () => Array<Record<string, unknown>>; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return { stream, text: () => chunks.join(""), lines: () => chunks.join("").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe("logger", () => {
  it("writes JSON with run, asset and partition bound", () => {
    const out = capture();
    const log = stepLogger(createLogger({ format: "json", destination: out.stream }), { runId: "r1", asset: "market/raw_bars", partition: "2025-10" });
    log.info({ rows: 3 }, "published");
    expect(out.lines()[0]).toMatchObject({ level: "info", msg: "published", runId: "r1", asset: "market/raw_bars", partition: "2025-10", rows: 3 });
  });

  it("redacts secret fields by name", () => {
    const out = capture();
    const log = createLogger({ format: "json", destination: out.stream });
    log.info({ s3: { secretAccessKey: "abc123def456", accessKeyId: "AKIAEXAMPLE" }, routingKey: "0123456789abcdef0123456789abcdef" }, "connect");
    const line = out.lines()[0]!;
    expect(line.s3).toEqual({ secretAccessKey: REDACTED, accessKeyId: REDACTED });
    expect(line.routingKey).toBe(REDACTED);
  });

  it("scrubs known secret values wherever they appear, even inside messages and URLs", () => {
    const out = capture();
    const webhook = "https://hooks.slack.com/services/T000/B000/SuperSecretToken";
    const log = createLogger({ format: "json", destination: out.stream, secrets: [webhook, "hunter2-long-password"] });
    log.error({ err: new Error(`POST ${webhook} failed`), note: "pw=hunter2-long-password" }, `delivery to ${webhook} failed`);
    const text = out.text();
    expect(text).not.toContain("SuperSecretToken");
    expect(text).not.toContain("hunter2-long-password");
    expect(text).toContain(REDACTED);
  });

  it("scrubber ignores values too short to be secrets and handles regex characters", () => {
    const scrub = secretScrubber(["abc", "a+b*c(d)e?f"]);
    expect(scrub("x a+b*c(d)e?f y abc")).toBe(`x ${REDACTED} y abc`);
  });
});
