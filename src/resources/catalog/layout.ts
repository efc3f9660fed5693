/**
 * Where the catalog keeps things in the object store:
 *
 *   data/<asset>/<partition>/<runId>-<nonce>.parquet   data objects (never overwritten)
 *   manifests/<asset>/<partition>.json                  the current version: the commit
 *   checks/<asset>/<partition>.json                     latest check results (also when blocked)
 *   partitions/<name>.json                              keys of a dynamic partitions definition
 *   index/<asset>/=gen/<n>.json, =base/<n>-<nonce>.json the partition index (derived; see partition-index.ts)
 *
 * Partition keys are encoded as one key segment; unpartitioned assets use `_`.
 */
import { encodeKeySegment } from "../object-store";

export const UNPARTITIONED_SEGMENT = "_";

export function partitionSegment(partition: string | null | undefined): string {
  return partition === null || partition === undefined ? UNPARTITIONED_SEGMENT : encodeKeySegment(partition);
}

export function manifestKey(asset: string, partition: string | null | undefined): string {
  return `manifests/${asset}/${partitionSegment(partition)}.json`;
}

export function manifestPrefix(asset: string): string {
  return `manifests/${asset}/`;
}

export function checksKey(asset: string, partition: string | null | undefined): string {
  return `checks/${asset}/${partitionSegment(partition)}.json`;
}

export function dataKey(asset: string, partition: string | null | undefined, runId: string, nonce: string): string {
  return `data/${asset}/${partitionSegment(partition)}/${encodeKeySegment(runId)}-${nonce}.parquet`;
}

export function dynamicPartitionsKey(name: string): string {
  return `partitions/${encodeKeySegment(name)}.json`;
}
