/** `materia schedules sync|list`: Temporal Schedules from the schedules declared in code. */
import type { Command } from "commander";
import { cliDefinitions } from "../definitions";
import { withTemporalClient } from "../../temporal/connection";
import { SCHEDULE_ID_PREFIX, syncSchedules } from "../../temporal/schedules";
import { cliRuntime } from "../runtime";
import { printJson, renderTable } from "../table";

export function registerSchedules(program: Command): void {
  const schedules = program.command("schedules").description("Temporal Schedules declared in code");
  schedules
    .command("sync")
    .description("Create, update and delete materia's Temporal Schedules to match the code")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      const { config } = cliRuntime();
      await withTemporalClient(config, async (client) => {
        const result = await syncSchedules(client, cliDefinitions(), config.temporal.taskQueue);
        if (options.json) return printJson(result);
        console.log(`schedules: ${result.created.length} created, ${result.updated.length} updated, ${result.unchanged.length} unchanged, ${result.deleted.length} deleted`);
      });
    });
  schedules
    .command("list")
    .description("List the schedules in code and their Temporal state")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      const { config } = cliRuntime();
      const definitions = cliDefinitions();
      await withTemporalClient(config, async (client) => {
        const remote = new Map<string, { paused: boolean; next: string | null }>();
        for await (const summary of client.schedule.list()) {
          if (!summary.scheduleId.startsWith(SCHEDULE_ID_PREFIX)) continue;
          remote.set(summary.scheduleId.slice(SCHEDULE_ID_PREFIX.length), { paused: summary.state.paused, next: summary.info.nextActionTimes[0]?.toISOString() ?? null });
        }
        const rows = [...definitions.schedules.values()].map((s) => ({ name: s.name, job: s.job, cron: s.cron, timezone: s.timezone, synced: remote.has(s.name), paused: remote.get(s.name)?.paused ?? null, next: remote.get(s.name)?.next ?? null }));
        if (options.json) return printJson(rows);
        console.log(renderTable(["schedule", "job", "cron", "tz", "synced", "next run"], rows.map((r) => [r.name, r.job, r.cron, r.timezone, r.synced ? (r.paused ? "paused" : "yes") : "no (run sync)", r.next ?? "-"])));
      });
    });
}
