import { join, resolve } from "node:path";
import {
  createObjectStore,
  InvalidObjectKeyError,
  LocalObjectStore,
  ObjectStoreError,
  S3ObjectStore,
} from "../../src/resources/object-store";

describe("createObjectStore", () => {
  it.each([
    ["file:///srv/lake", "/srv/lake"],
    ["file:///srv/my%20lake", "/srv/my lake"],
    ["file://.materia/lake", resolve(".materia/lake")],
    ["file://relative/path", resolve("relative/path")],
    ["plain/folder", resolve("plain/folder")],
    ["/abs/folder", "/abs/folder"],
  ])("maps %s to a local folder", (url, root) => {
    const store = createObjectStore(url);
    expect(store).toBeInstanceOf(LocalObjectStore);
    expect((store as LocalObjectStore).root).toBe(root);
    expect(store.description.startsWith("file:///")).toBe(true);
  });

  it("maps s3://bucket/prefix to S3, with a credential-free description", async () => {
    const store = createObjectStore("s3://lake-bucket/prod/data/", {
      s3: { endpoint: "http://user:pw@127.0.0.1:9000", region: "eu-west-1", accessKeyId: "AKIA-TEST-ID", secretAccessKey: "super-secret-key" },
    });
    expect(store).toBeInstanceOf(S3ObjectStore);
    expect((store as S3ObjectStore).bucket).toBe("lake-bucket");
    expect((store as S3ObjectStore).prefix).toBe("prod/data");
    expect(store.description).toBe("s3://lake-bucket/prod/data (endpoint http://127.0.0.1:9000)");
    expect(store.description).not.toMatch(/super-secret-key|AKIA-TEST-ID|pw/);
    await store.close?.();
  });

  it("describes an AWS store without an endpoint", async () => {
    const store = createObjectStore("s3://lake-bucket");
    expect(store.description).toBe("s3://lake-bucket");
    expect((store as S3ObjectStore).prefix).toBe("");
    await store.close?.();
  });

  it.each(["gs://bucket/x", "http://example.com/lake", "s3a://bucket/x", "ftp://user:secret@host/x"])(
    "rejects %s, listing the supported schemes",
    (url) => {
      let thrown: unknown;
      try {
        createObjectStore(url);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ObjectStoreError);
      const error = thrown as ObjectStoreError;
      expect(error.code).toBe("UNSUPPORTED_STORAGE_URL");
      expect(error.message).toContain("unsupported scheme");
      expect(error.hint).toContain("file://");
      expect(error.hint).toContain("s3://");
      expect(error.describe()).not.toContain("secret");
    },
  );

  it.each([
    ["", /empty/],
    ["file://", /needs a folder/],
    ["s3://", /not a valid bucket name/],
    ["s3://Bad_Bucket/x", /not a valid bucket name/],
  ])("rejects the malformed URL %j", (url, reason) => {
    expect(() => createObjectStore(url)).toThrow(reason);
  });

  it("rejects an invalid prefix as an invalid key", () => {
    expect(() => createObjectStore("s3://bucket/a//b")).toThrow(InvalidObjectKeyError);
    expect(() => createObjectStore("s3://bucket/a/../b")).toThrow(InvalidObjectKeyError);
  });

  it("needs both halves of explicit credentials", () => {
    expect(() => createObjectStore("s3://bucket/x", { s3: { accessKeyId: "only-the-id" } })).toThrow(
      expect.objectContaining({ code: "S3_CREDENTIALS" }),
    );
  });

  it("keeps a relative file URL relative to the current directory", () => {
    const store = createObjectStore("file://lake") as LocalObjectStore;
    expect(store.root).toBe(join(process.cwd(), "lake"));
  });
});
