/**
 * Which channels get an alert, from config: by severity (MATERIA_ALERT_ROUTES,
 * default errors to every channel and warnings to all but PagerDuty). A
 * recovery goes where its failure went: the channels recorded on the open
 * incident, so a resolve reaches the PagerDuty incident the trigger opened
 * even if the routes changed in between.
 */
import type { MateriaConfig } from "../../config";
import type { Incident } from "./incidents";
import { isRecovery, type Alert, type AlertChannelName } from "./types";

export type AlertsConfig = MateriaConfig["alerts"];

export function configuredChannels(config: AlertsConfig): AlertChannelName[] {
  const names: AlertChannelName[] = [];
  if (config.slackWebhookUrl !== undefined) names.push("slack");
  if (config.pagerduty.routingKey !== undefined) names.push("pagerduty");
  if (config.webhook.url !== undefined) names.push("webhook");
  return names;
}

export function routeAlert(config: AlertsConfig, alert: Pick<Alert, "kind" | "severity">, incident?: Pick<Incident, "channels">): AlertChannelName[] {
  const available = new Set(configuredChannels(config));
  const wanted = isRecovery(alert) && incident !== undefined ? incident.channels : config.routes[alert.severity];
  return [...new Set(wanted)].filter((name) => available.has(name));
}
