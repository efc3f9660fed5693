/**
 * A manifest is the commit of one asset partition: it names the data object
 * (written first, under a run-unique key) and records what made it. Readers
 * resolve inputs through manifests only, so they never see half-written data.
 */

export interface ColumnInfo {
  name: string;
  type: string;
}

/** One upstream partition this version was computed from, and its data version then. */
export interface UpstreamVersion {
  asset: string;
  partition: string | null;
  dataVersion: string;
}

export interface CheckResult {
  check: string;
  asset: string;
  partition: string | null;
  passed: boolean;
  severity: "warn" | "error";
  blocking: boolean;
  measured: number | string | null;
  threshold: number | string | null;
  failingCount: number | null;
  /** At most a few rows, for alerts and `materia status`. */
  failingSample: Array<Record<string, unknown>>;
  message: string | null;
  durationMs: number;
  evaluatedAt: string;
  runId: string;
}

/** The part of a manifest that identifies one version of the data. */
export interface ManifestVersion {
  /** sha256 of the data object: the data version. */
  dataVersion: string;
  /** hash(code version + upstream data versions): what staleness compares. */
  logicalVersion: string;
  dataKey: string;
  rowCount: number;
  bytes: number;
  codeVersion: string;
  upstream: UpstreamVersion[];
  runId: string;
  publishedAt: string;
}

export interface Manifest extends ManifestVersion {
  formatVersion: 1;
  asset: string;
  partition: string | null;
  schema: ColumnInfo[];
  startedAt: string;
  durationMs: number;
  checks: CheckResult[];
  metadata: Record<string, unknown>;
  /** The run configuration this version was made with (when the step has a config schema and the run gave one). */
  runConfig?: unknown;
  /** Milliseconds per phase of the step that made this version (inputs, transform, checks, publish); absent in older manifests. */
  phasesMs?: Record<string, number>;
  /** Earlier versions, newest first, bounded (their data objects are kept for rollback). */
  history: ManifestVersion[];
}

export const MANIFEST_HISTORY_LIMIT = 10;

export function versionOf(manifest: Manifest): ManifestVersion {
  const { dataVersion, logicalVersion, dataKey, rowCount, bytes, codeVersion, upstream, runId, publishedAt } = manifest;
  return { dataVersion, logicalVersion, dataKey, rowCount, bytes, codeVersion, upstream, runId, publishedAt };
}
