/**
 * Slack incoming webhook: a text fallback (notifications, screen readers)
 * plus Block Kit blocks with the fields on-call reads first.
 * https://api.slack.com/messaging/webhooks
 */
import { postJson } from "./http";
import { isRecovery, type Alert, type AlertChannel } from "./types";

export interface SlackChannelOptions {
  webhookUrl: string;
  timeoutMs?: number;
}

const TITLES: Record<Alert["kind"], string> = {
  check_failed: "Check failed",
  check_recovered: "Check recovered",
  run_failed: "Run failed",
  run_recovered: "Step publishes again",
  sensor_failing: "Sensor failing",
  freshness_missed: "Freshness deadline missed",
};

export function slackChannel(options: SlackChannelOptions): AlertChannel {
  return {
    name: "slack",
    async send(alert) {
      await postJson({ channel: "slack", url: options.webhookUrl, body: JSON.stringify(slackMessage(alert)), secrets: [options.webhookUrl], timeoutMs: options.timeoutMs });
    },
  };
}

export function slackMessage(alert: Alert): { text: string; blocks: unknown[] } {
  const icon = isRecovery(alert) ? ":white_check_mark:" : alert.severity === "error" ? ":rotating_light:" : ":warning:";
  const title = `${TITLES[alert.kind]}${alert.check ? `: ${alert.check}` : ""}${alert.asset ? ` on ${alert.asset}` : ""}${alert.partition ? ` [${alert.partition}]` : ""}`;
  const fields = [
    ["Asset", alert.asset],
    ["Partition", alert.partition],
    ["Check", alert.check],
    ["Severity", alert.severity],
    ["Measured", alert.measured === null ? null : String(alert.measured)],
    ["Threshold", alert.threshold === null ? null : String(alert.threshold)],
  ]
    .filter((field): field is [string, string] => field[1] !== null)
    .map(([label, value]) => ({ type: "mrkdwn", text: `*${label}*\n${escape(value)}` }));
  const blocks: unknown[] = [
    { type: "header", text: { type: "plain_text", text: truncate(`${TITLES[alert.kind]}${alert.asset ? `: ${alert.asset}` : ""}`, 150) } },
    { type: "section", text: { type: "mrkdwn", text: truncate(`${icon} ${escape(alert.message)}`, 3000) }, ...(fields.length > 0 ? { fields } : {}) },
  ];
  if (alert.failingSample.length > 0) {
    const rows = alert.failingSample.map((row) => JSON.stringify(row)).join("\n");
    blocks.push({ type: "section", text: { type: "mrkdwn", text: truncate(`*Failing rows (sample)*\n\`\`\`${escape(rows)}\`\`\``, 3000) } });
  }
  const context = [
    alert.webUiUrl ? `<${alert.webUiUrl}|Run in Temporal Web UI>` : null,
    alert.rerunCommand ? `Re-run: \`${escape(alert.rerunCommand)}\`` : null,
    alert.runId ? `run ${escape(alert.runId)}` : null,
  ].filter((part): part is string => part !== null);
  if (context.length > 0) blocks.push({ type: "context", elements: context.map((text) => ({ type: "mrkdwn", text })) });
  return { text: `${icon} ${title}: ${alert.message}`, blocks };
}

/** Slack mrkdwn treats &, < and > as control characters. */
function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
