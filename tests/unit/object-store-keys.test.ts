import fc from "fast-check";
import { MateriaError } from "../../src/core/errors";
import {
  compareObjectKeys,
  decodeKeySegment,
  encodeKeySegment,
  InvalidObjectKeyError,
  isValidObjectKey,
  joinObjectKey,
  ObjectStoreError,
  validateObjectKey,
  validateObjectKeyPrefix,
} from "../../src/resources/object-store";

describe("validateObjectKey", () => {
  it.each([
    "market/raw_bars",
    "a",
    "catalog/ttb/labels/2024-01-01T00.json",
    "data/month=2025-10/part-0.parquet",
    "market/raw_bars/2025-10%7CES/data.parquet",
    ".hidden/a..b/-x_y",
    "x".repeat(1024),
  ])("accepts %s", (key) => {
    expect(validateObjectKey(key)).toBe(key);
    expect(isValidObjectKey(key)).toBe(true);
  });

  it.each([
    ["", /empty/],
    ["/abs", /starts with '\/'/],
    ["a/", /ends with '\/'/],
    ["a//b", /empty segment/],
    ["../x", /'\.\.' segment/],
    ["a/../b", /'\.\.' segment/],
    ["..", /'\.\.' segment/],
    ["./x", /'\.' segment/],
    ["a/./b", /'\.' segment/],
    ["a\\b", /backslash/],
    ["..\\x", /backslash/],
    ["a\u0000b", /control character \(U\+0000\)/],
    ["a\nb", /control character \(U\+000A\)/],
    ["2025-10|ES", /'\|' \(U\+007C\).*safe set/],
    ["a b", /' ' \(U\+0020\)/],
    ["a:b", /':'/],
    ["é", /'é' \(U\+00E9\)/],
    ["a%7cb", /malformed escape/],
    ["a%7", /malformed escape/],
    ["100%", /malformed escape/],
    ["x".repeat(1025), /1025 characters, more than the limit of 1024/],
  ])("rejects %j", (key, reason) => {
    expect(isValidObjectKey(key)).toBe(false);
    let thrown: unknown;
    try {
      validateObjectKey(key);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidObjectKeyError);
    expect(thrown).toBeInstanceOf(ObjectStoreError);
    expect(thrown).toBeInstanceOf(MateriaError);
    const error = thrown as InvalidObjectKeyError;
    expect(error.message).toMatch(reason);
    expect(error.code).toBe("INVALID_OBJECT_KEY");
    expect(error.key).toBe(key);
    expect(error.hint).toContain("encodeKeySegment");
  });

  it("rejects non-strings from untyped callers", () => {
    expect(() => validateObjectKey(undefined as unknown as string)).toThrow(InvalidObjectKeyError);
  });
});

describe("validateObjectKeyPrefix", () => {
  it.each(["", "a", "a/", "data/2025-1", "market/raw_bars/"])("accepts %j", (prefix) => {
    expect(validateObjectKeyPrefix(prefix)).toBe(prefix);
  });

  it.each(["/", "/a", "a//", "../", "a|", "a\\"])("rejects %j", (prefix) => {
    expect(() => validateObjectKeyPrefix(prefix)).toThrow(InvalidObjectKeyError);
  });
});

describe("encodeKeySegment / decodeKeySegment", () => {
  it.each([
    ["2025-10|ES", "2025-10%7CES"],
    ["2024-01-01T00", "2024-01-01T00"],
    ["2024-01-01T00:00", "2024-01-01T00%3A00"],
    ["a/b", "a%2Fb"],
    ["100%", "100%25"],
    [".", "%2E"],
    ["..", "%2E%2E"],
    ["...", "..."],
    ["a b", "a%20b"],
    ["é", "%C3%A9"],
    ["📈", "%F0%9F%93%88"],
    ["a\\b", "a%5Cb"],
  ])("encodes %j as %j", (raw, encoded) => {
    expect(encodeKeySegment(raw)).toBe(encoded);
    expect(decodeKeySegment(encoded)).toBe(raw);
  });

  it("refuses to encode an empty segment", () => {
    expect(() => encodeKeySegment("")).toThrow(InvalidObjectKeyError);
  });

  it("rejects malformed escapes when decoding", () => {
    expect(() => decodeKeySegment("a%7")).toThrow(InvalidObjectKeyError);
    expect(() => decodeKeySegment("a%zz")).toThrow(InvalidObjectKeyError);
  });

  it("always yields a valid single segment that decodes back (property)", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40, unit: "binary" }), (raw) => {
        const encoded = encodeKeySegment(raw);
        expect(isValidObjectKey(encoded)).toBe(true);
        expect(encoded).not.toContain("/");
        expect(decodeKeySegment(encoded)).toBe(Buffer.from(raw, "utf8").toString("utf8"));
      }),
      { numRuns: 500 },
    );
  });

  it("leaves safe segments unchanged (property)", () => {
    const safeSegment = fc.stringMatching(/^[A-Za-z0-9_=-][A-Za-z0-9._=-]{0,20}$/);
    fc.assert(fc.property(safeSegment, (segment) => encodeKeySegment(segment) === segment));
  });
});

describe("joinObjectKey and compareObjectKeys", () => {
  it("joins parts and validates the result", () => {
    expect(joinObjectKey("market/raw_bars", encodeKeySegment("2025-10|ES"), "data.parquet")).toBe(
      "market/raw_bars/2025-10%7CES/data.parquet",
    );
    expect(() => joinObjectKey("a", "", "b")).toThrow(InvalidObjectKeyError);
    expect(() => joinObjectKey("a", "..", "b")).toThrow(InvalidObjectKeyError);
  });

  it("orders keys by byte value, as S3 lists them", () => {
    expect(["a/b", "a.b", "B", "a-b", "a"].sort(compareObjectKeys)).toEqual(["B", "a", "a-b", "a.b", "a/b"]);
  });
});
