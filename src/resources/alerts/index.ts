/**
 * Alerting: Slack, PagerDuty Events v2 and a signed generic webhook behind
 * one AlertChannel interface; routing by severity; incident state so an
 * alert is sent once per open incident and resolved when the check passes.
 */
export type { Alert, AlertChannel, AlertChannelName, AlertKind, AlertSeverity } from "./types";
export { isRecovery } from "./types";
export { AlertDeliveryError, AlertRejectedError } from "./errors";
export { ALERT_TIMEOUT_MS } from "./http";
export { alertDedupKey, temporalRunUrl, rerunCommand, checkResultAlert, freshnessMissedAlert, runFailedAlert, runRecoveredAlert, sensorFailingAlert, stepFailureDedupKey, type RunLink } from "./build";
export { slackChannel, slackMessage, type SlackChannelOptions } from "./slack";
export { pagerDutyChannel, pagerDutyEvent, type PagerDutyChannelOptions } from "./pagerduty";
export { webhookChannel, type WebhookChannelOptions, type WebhookBody } from "./webhook";
export { signWebhookBody, verifyWebhookSignature, SIGNATURE_HEADER, TIMESTAMP_HEADER, SIGNATURE_TOLERANCE_SECONDS, type VerifyWebhookInput } from "./webhook-signature";
export { routeAlert, configuredChannels, type AlertsConfig } from "./routing";
export { createAlertChannels, channelsNamed, type AlertChannelOptions } from "./channels";
export { deliverAlert, type DeliverOptions } from "./deliver";
export { decideAlert, readIncident, openIncident, closeIncident, listOpenIncidents, incidentFor, incidentKey, INCIDENTS_PREFIX, type Incident, type AlertDecision } from "./incidents";
export { planAlert, planCheckAlerts, type PlannedAlert } from "./plan";
