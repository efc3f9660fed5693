import { DefinitionError, PartitionKeyError } from "../../src/core/errors";
import {
  describePartitions,
  dynamicPartitions,
  isDynamicPartitions,
  isMultiPartitions,
  isStaticPartitions,
  isTimePartitions,
  monthlyPartitions,
  multiPartitions,
  samePartitions,
  staticPartitions,
} from "../../src/core/partitions";

describe("staticPartitions", () => {
  const roots = staticPartitions(["ES", "NQ", "CL"]);

  it("keeps its values in order", () => {
    expect(roots.kind).toBe("static");
    expect(roots.keys()).toEqual(["ES", "NQ", "CL"]);
    expect(roots.values).toEqual(["ES", "NQ", "CL"]);
    expect(roots.id).toBe('static(["ES","NQ","CL"])');
    expect(staticPartitions(["ES", "NQ", "CL"]).id).toBe(roots.id);
    expect(staticPartitions(["NQ", "ES", "CL"]).id).not.toBe(roots.id);
    expect(roots.keyFormat).toBe("one of ES, NQ, CL");
  });

  it("validates keys with a suggestion", () => {
    expect(roots.hasKey("NQ")).toBe(true);
    expect(roots.hasKey("nq")).toBe(false);
    expect(() => roots.validateKey("EZ")).toThrow('Partition key "EZ" is not one of the static partitions (expected one of ES, NQ, CL).');
    expect(() => roots.validateKey("EZ")).toThrow(expect.objectContaining({ hint: expect.stringContaining('"ES"') }));
  });

  it("lists ranges in definition order", () => {
    expect(roots.keysInRange("NQ", "CL")).toEqual(["NQ", "CL"]);
    expect(roots.keysInRange("ES", "ES")).toEqual(["ES"]);
    expect(() => roots.keysInRange("CL", "ES")).toThrow(/reversed/);
    expect(() => roots.keysInRange("ES", "ZZ")).toThrow(PartitionKeyError);
  });

  it("rejects empty, duplicate and separator-holding values", () => {
    expect(() => staticPartitions([])).toThrow(DefinitionError);
    expect(() => staticPartitions(["ES", "ES"])).toThrow(/listed twice/);
    expect(() => staticPartitions(["ES|NQ"])).toThrow(/contains "\|"/);
    expect(() => staticPartitions(["ES", " "])).toThrow(DefinitionError);
  });
});

describe("dynamicPartitions", () => {
  const files = dynamicPartitions("landing_files");
  const context = { dynamicKeys: (name: string) => (name === "landing_files" ? ["a.csv", "b.csv", "c.csv"] : []) };

  it("reads its keys from the context", () => {
    expect(files.kind).toBe("dynamic");
    expect(files.name).toBe("landing_files");
    expect(files.id).toBe('dynamic("landing_files")');
    expect(files.keys(context)).toEqual(["a.csv", "b.csv", "c.csv"]);
    expect(files.keys()).toEqual([]);
    expect(files.hasKey("b.csv", context)).toBe(true);
    expect(files.keysInRange("b.csv", "c.csv", context)).toEqual(["b.csv", "c.csv"]);
  });

  it("rejects keys not added yet with a hint to add them", () => {
    expect(() => files.validateKey("d.csv", context)).toThrow(PartitionKeyError);
    expect(() => files.validateKey("d.csv", context)).toThrow(
      expect.objectContaining({ hint: expect.stringMatching(/did you mean "a.csv".*Otherwise add "d.csv" to dynamic partitions "landing_files" in the catalog first/) }),
    );
    expect(() => files.validateKey("zzz", context)).toThrow(
      expect.objectContaining({ hint: 'Add "zzz" to dynamic partitions "landing_files" in the catalog first, then retry.' }),
    );
    expect(() => files.validateKey("a.csv")).toThrow(/no dynamic partition keys were provided/);
    expect(() => files.validateKey("a.csv", { dynamicKeys: () => [] })).toThrow(/no keys have been added yet/);
  });

  it("needs a name", () => {
    expect(() => dynamicPartitions("")).toThrow(DefinitionError);
  });
});

describe("multiPartitions", () => {
  const months = monthlyPartitions({ start: "2025-01", end: "2025-04" });
  const roots = staticPartitions(["ES", "NQ"]);
  const grid = multiPartitions({ date: months, root: roots });

  it("orders keys first dimension outer", () => {
    expect(grid.kind).toBe("multi");
    expect(grid.keys()).toEqual(["2025-01|ES", "2025-01|NQ", "2025-02|ES", "2025-02|NQ", "2025-03|ES", "2025-03|NQ"]);
    expect(grid.dimensions.map((dimension) => dimension.name)).toEqual(["date", "root"]);
    expect(grid.keyFormat).toBe("YYYY-MM|one of ES, NQ");
    expect(grid.id).toBe('multi(date=monthly(start=2025-01, end=2025-04, tz=UTC), root=static(["ES","NQ"]))');
    expect(multiPartitions({ date: monthlyPartitions({ start: "2025-01", end: "2025-04" }), root: staticPartitions(["ES", "NQ"]) }).id).toBe(grid.id);
    expect(multiPartitions({ root: roots, date: months }).keys()[0]).toBe("ES|2025-01");
  });

  it("splits and joins keys by dimension name", () => {
    expect(grid.split("2025-02|NQ")).toEqual({ date: "2025-02", root: "NQ" });
    expect(grid.join({ root: "ES", date: "2025-03" })).toBe("2025-03|ES");
    expect(() => grid.join({ date: "2025-03" })).toThrow(/no value for dimension "root"/);
    expect(() => grid.split("2025-02")).toThrow(PartitionKeyError);
  });

  it("validates each dimension, naming it", () => {
    expect(grid.hasKey("2025-03|NQ")).toBe(true);
    expect(grid.hasKey("2025-04|NQ")).toBe(false);
    expect(() => grid.validateKey("2025-13|ES")).toThrow(/invalid date: .*expected YYYY-MM/);
    expect(() => grid.validateKey("2025-01|YM")).toThrow(/invalid root/);
    expect(() => grid.validateKey("2025-01")).toThrow("expected YYYY-MM|one of ES, NQ");
    expect(() => grid.validateKey("2025-01|ES|NQ")).toThrow(PartitionKeyError);
  });

  it("lists ranges in key order", () => {
    expect(grid.keysInRange("2025-01|NQ", "2025-02|NQ")).toEqual(["2025-01|NQ", "2025-02|ES", "2025-02|NQ"]);
    expect(() => grid.keysInRange("2025-02|NQ", "2025-01|NQ")).toThrow(/reversed/);
  });

  it("needs exactly two single dimensions", () => {
    expect(() => multiPartitions({ date: months })).toThrow(DefinitionError);
    expect(() => multiPartitions({ a: months, b: roots, c: roots })).toThrow(/exactly two dimensions/);
    expect(() => multiPartitions({ a: grid, b: roots })).toThrow(/itself multi-dimensional/);
    expect(() => multiPartitions({ "a|b": months, c: roots })).toThrow(DefinitionError);
  });
});

describe("guards", () => {
  const months = monthlyPartitions({ start: "2025-01" });
  const roots = staticPartitions(["ES"]);
  it("tell the kinds apart and compare definitions by id", () => {
    expect(isTimePartitions(months)).toBe(true);
    expect(isTimePartitions(roots)).toBe(false);
    expect(isTimePartitions(undefined)).toBe(false);
    expect(isStaticPartitions(roots)).toBe(true);
    expect(isDynamicPartitions(dynamicPartitions("x"))).toBe(true);
    expect(isMultiPartitions(multiPartitions({ date: months, root: roots }))).toBe(true);
    expect(samePartitions(months, monthlyPartitions({ start: "2025-01" }))).toBe(true);
    expect(samePartitions(months, monthlyPartitions({ start: "2025-02" }))).toBe(false);
    expect(samePartitions(undefined, undefined)).toBe(true);
    expect(samePartitions(months, undefined)).toBe(false);
    expect(describePartitions(undefined)).toBe("unpartitioned");
  });
});
