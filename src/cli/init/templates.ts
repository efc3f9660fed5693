/**
 * The files `materia init` writes: a small working project with two daily
 * partitioned assets (the first makes its own sample data, so there is
 * nothing to download), a blocking check, a job with a schedule, and a test
 * through `materia/testing`. Its README opens with the two commands.
 */

export interface InitOptions {
  name: string;
  materiaVersion: string;
}

export function projectFiles(options: InitOptions): Record<string, string> {
  return {
    "package.json": `${JSON.stringify(
      {
        name: options.name,
        version: "0.1.0",
        private: true,
        scripts: {
          dev: "materia dev",
          test: "node --import tsx --test test/*.test.ts",
          materialize: "materia materialize",
        },
        dependencies: { materia: `^${options.materiaVersion}` },
        devDependencies: { tsx: "^4.20.0", typescript: "^5.9.0", "@types/node": "^20.19.0" },
      },
      null,
      2,
    )}\n`,
    "materia.config.ts": `import { defineConfig } from "materia";

/** Where this project's assets are declared: every materia command loads them from here. */
export default defineConfig({ definitions: "./src/definitions.ts" });
`,
    "src/definitions.ts": `/**
 * The project's assets: orders (made up from the partition's date, so the
 * project runs with no input) and the daily revenue computed from them.
 */
import { dailyPartitions, defineAsset, defineDefinitions, defineJob, defineSchedule, inRange, notNull } from "materia";

export const days = dailyPartitions({ start: "2025-01-01" });

export const orders = defineAsset({
  key: "shop/orders",
  description: "The day's orders.",
  partitions: days,
  checks: [notNull("order_id", { blocking: true })],
  materialize: async (ctx) => \`
    SELECT ${"${ctx.sql.literal(ctx.partitionKey!)}"}::DATE AS day,
           range AS order_id,
           round(10 + (hash(${"${ctx.sql.literal(ctx.partitionKey!)}"} || range::VARCHAR) % 9000) / 100, 2) AS amount
    FROM range(50)
    ORDER BY order_id\`,
});

export const dailyRevenue = defineAsset({
  key: "shop/daily_revenue",
  description: "Revenue and order count per day.",
  partitions: days,
  deps: ["shop/orders"],
  checks: [inRange("revenue", 0, undefined, { blocking: true })],
  materialize: async () => "SELECT day, count(*) AS orders, sum(amount) AS revenue FROM orders GROUP BY day ORDER BY day",
});

export const shopDaily = defineJob({ name: "shop_daily", selection: "key:shop/*" });

export default defineDefinitions({
  assets: [orders, dailyRevenue],
  jobs: [shopDaily],
  // Every day at 02:00 UTC, the day before.
  schedules: [defineSchedule({ name: "shop_daily", job: "shop_daily", cron: "0 2 * * *" })],
});
`,
    "test/definitions.test.ts": `import assert from "node:assert/strict";
import { test } from "node:test";
import { materialize, runCheck, temporaryLake } from "materia/testing";
import { inRange } from "materia";
import definitions from "../src/definitions";

test("a day of orders and its revenue", async () => {
  const lake = temporaryLake();
  try {
    const run = await materialize(definitions, { selection: "*", partition: "2025-01-15", lake });
    assert.equal(run.status, "succeeded");
    const [revenue] = await lake.rows<{ orders: bigint; revenue: number }>("shop/daily_revenue", "2025-01-15");
    assert.equal(Number(revenue!.orders), 50);
    assert.ok(revenue!.revenue > 0);
  } finally {
    lake.remove();
  }
});

test("the revenue check refuses a negative day", async () => {
  const outcome = await runCheck(inRange("revenue", 0, undefined), "SELECT -5.0 AS revenue");
  assert.equal(outcome.passed, false);
});
`,
    "tsconfig.json": `${JSON.stringify({ compilerOptions: { target: "ES2022", module: "node16", moduleResolution: "node16", strict: true, skipLibCheck: true, esModuleInterop: true, types: ["node"] }, include: ["src", "test", "materia.config.ts"] }, null, 2)}\n`,
    ".gitignore": "node_modules/\n.materia/\n",
    "README.md": `# ${options.name}

\`\`\`bash
npm install && npx materia dev     # the Temporal dev server and a worker for these assets (reloads on save)
npm install && npm test            # the assets' tests, in-process (materia/testing)
\`\`\`

With \`materia dev\` running, in another terminal:

\`\`\`bash
npx materia materialize --job shop_daily --partition 2025-01-15 --wait
npx materia status --select "key:shop/*" --from 2025-01-01 --to 2025-01-15
npx materia backfill --job shop_daily --from 2025-01-01 --to 2025-01-31
\`\`\`

Without a server: \`npx materia materialize --select "*" --partition 2025-01-15 --in-process\`.
The assets are in \`src/definitions.ts\`; \`materia.config.ts\` tells materia where they are.
The Temporal Web UI is at http://127.0.0.1:8233 while \`materia dev\` runs.
`,
  };
}
