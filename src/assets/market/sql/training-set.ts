/** SQL of `market/training_set`: features ⋈ labels on (root, ts), complete labels only. */
import { BARRIER_SETS } from "./label-modes";

export function trainingSetSql(): string {
  const allComplete = BARRIER_SETS.map((s) => `l.complete_${s.name}`).join(" AND ");
  return `
SELECT f.*, l.* EXCLUDE (root, ts, ${BARRIER_SETS.map((s) => `complete_${s.name}`).join(", ")})
FROM features f
JOIN labels l ON l.root = f.root AND l.ts = f.ts
WHERE ${allComplete}
ORDER BY f.root, f.ts`;
}
