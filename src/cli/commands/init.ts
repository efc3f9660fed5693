/** `materia init <dir>`: write a small working project (see init/templates.ts). */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import type { Command } from "commander";
import { packageRoot } from "../../utils/package-root";
import { RuntimeError } from "../../utils/errors";
import { projectFiles } from "../init/templates";

export function registerInit(program: Command): void {
  program
    .command("init")
    .description("Write a new materia project: two partitioned assets, a check, a schedule and a test")
    .argument("<dir>", "the project folder (created; must be empty if it exists)")
    .action((dir: string) => {
      const target = resolve(dir);
      if (existsSync(target) && readdirSync(target).length > 0) {
        throw new RuntimeError("USAGE", `${dir} is not empty.`, { hint: "Choose a new folder (materia init writes package.json, materia.config.ts, src/ and test/ there)." });
      }
      const { version } = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string };
      const name = basename(target).toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "") || "materia-project";
      for (const [path, text] of Object.entries(projectFiles({ name, materiaVersion: version }))) {
        mkdirSync(dirname(join(target, path)), { recursive: true });
        writeFileSync(join(target, path), text);
      }
      const shown = relative(process.cwd(), target) || ".";
      console.log(`materia: wrote a project to ${shown}. Next:\n  cd ${shown}\n  npm install && npm test\n  npx materia dev`);
    });
}
