/** `materia config check|example`: validate settings, print .env.example. */
import type { Command } from "commander";
import { loadConfig, renderEnvExample } from "../../config";

export function registerConfig(program: Command): void {
  const config = program.command("config").description("Inspect materia's settings");
  config
    .command("check")
    .description("Validate the settings from the environment and .env")
    .action(() => {
      const loaded = loadConfig();
      console.log(`configuration OK: storage ${loaded.storage.url}, Temporal ${loaded.temporal.address ?? "embedded dev server"}`);
    });
  config
    .command("example")
    .description("Print a .env.example documenting every setting")
    .action(() => {
      process.stdout.write(renderEnvExample());
    });
}
