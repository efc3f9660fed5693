/** `materia jobs list`: the jobs declared in code, what they select and what triggers them. */
import type { Command } from "commander";
import type { Definitions } from "../../core";
import { cliDefinitions } from "../definitions";
import { printJson, renderTable } from "../table";

export interface JobRow {
  name: string;
  selection: string;
  description: string | null;
  /** Materializable assets the job runs. */
  assets: string[];
  partitions: string | null;
  schedules: string[];
  sensors: string[];
}

export function jobRows(definitions: Definitions): JobRow[] {
  return [...definitions.jobs.values()].map((job) => {
    const assets = definitions.jobAssets(job.name);
    const partitions = job.partitions ?? assets.map((key) => definitions.graph.node(key).partitions).find((p) => p !== undefined);
    return {
      name: job.name,
      selection: job.selection,
      description: job.description ?? null,
      assets,
      partitions: partitions?.id ?? null,
      schedules: [...definitions.schedules.values()].filter((s) => s.job === job.name).map((s) => s.name),
      sensors: [...definitions.sensors.values()].filter((s) => s.job === job.name).map((s) => s.name),
    };
  });
}

export function registerJobs(program: Command): void {
  const jobs = program.command("jobs").description("Jobs declared in code");
  jobs
    .command("list")
    .description("List jobs with their selection, assets, partitions, schedules and sensors")
    .option("--json", "print JSON")
    .action((options: { json?: boolean }) => {
      const rows = jobRows(cliDefinitions());
      if (options.json) return printJson(rows);
      console.log(renderTable(["job", "selection", "assets", "partitions", "schedules", "sensors"], rows.map((r) => [r.name, r.selection, r.assets.length, r.partitions ?? "-", r.schedules.join(", ") || "-", r.sensors.join(", ") || "-"])));
    });
}
