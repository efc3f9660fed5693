/**
 * `materia demo` (what `npm start` runs): the embedded stack and a worker,
 * a round trip through Temporal, then where to look. `--keep` leaves the
 * stack running to explore the Web UI.
 */
import type { Command } from "commander";
import { Client } from "@temporalio/client";
import { ensureTemporal } from "../../temporal/dev-server";
import { connectTemporal } from "../../temporal/connection";
import { createMateriaWorker } from "../../temporal/worker";
import type { PingResult } from "../../temporal/workflows";
import { cliRuntime } from "../runtime";

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("Run the demo on the embedded defaults (what `npm start` runs)")
    .option("--keep", "leave the dev server and worker running (Ctrl-C to stop)")
    .action(async (options: { keep?: boolean }) => {
      const { config, log } = cliRuntime();
      console.log("materia: starting the Temporal dev server…");
      const temporal = await ensureTemporal(config, log);
      try {
        const { worker, connection: workerConnection } = await createMateriaWorker({ config, address: temporal.address, log });
        const connection = await connectTemporal(config);
        const client = new Client({ connection, namespace: config.temporal.namespace });
        const workflowId = `materia-demo-ping-${Date.now()}`;
        const result = await worker.runUntil(
          client.workflow.execute("pingWorkflow", { taskQueue: config.temporal.taskQueue, workflowId, args: ["hello from materia"] }) as Promise<PingResult>,
        );
        console.log(`materia: workflow ${workflowId} answered "${result.message}" (worker ${result.workerIdentity})`);
        if (temporal.uiUrl) console.log(`materia: see it in the Temporal Web UI: ${temporal.uiUrl}/namespaces/${config.temporal.namespace}/workflows/${workflowId}`);
        if (options.keep) {
          console.log("materia: --keep: dev server and worker keep running; Ctrl-C to stop.");
          await worker.run();
        }
        await connection.close();
        await workerConnection.close();
      } finally {
        await temporal.stop();
      }
    });
}
