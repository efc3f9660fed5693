/** Renders `.env.example` from the settings table (a test keeps the file in sync). */
import { SETTINGS } from "./settings";

export function renderEnvExample(): string {
  const lines = ["# materia settings. Every variable is optional unless noted; defaults shown.", "# Generated from src/config/settings.ts (npm run materia -- config example).", ""];
  for (const setting of SETTINGS) {
    lines.push(`# ${setting.description}`);
    const value = "default" in setting ? setting.default : setting.example;
    lines.push(`${"default" in setting ? "" : "# "}${setting.env}=${value}`, "");
  }
  return lines.join("\n");
}
