import { quoteIdent, quoteList, quoteLiteral } from "../../src/resources/duckdb";

describe("SQL quoting", () => {
  it("quotes identifiers, doubling embedded quotes", () => {
    expect(quoteIdent("raw_bars")).toBe('"raw_bars"');
    expect(quoteIdent('we"ird')).toBe('"we""ird"');
    expect(() => quoteIdent("")).toThrow(TypeError);
  });
  it("quotes literals, doubling embedded single quotes", () => {
    expect(quoteLiteral("it's")).toBe("'it''s'");
    expect(quoteLiteral("'; DROP TABLE x; --")).toBe("'''; DROP TABLE x; --'");
    expect(() => quoteLiteral("a\u0000b")).toThrow(TypeError);
  });
  it("renders lists of literals", () => {
    expect(quoteList(["a.parquet", "b'.parquet"])).toBe("['a.parquet', 'b''.parquet']");
  });
});
