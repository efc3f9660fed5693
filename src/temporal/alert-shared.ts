/**
 * The alert queue workflow's contract: its id (one per channel and incident
 * dedup key), its input, the signal that feeds it and the query that shows
 * it, and the hand-off from the workflows that plan alerts. Pure: workflow
 * code imports it.
 */
import { defineQuery, defineSignal } from "@temporalio/workflow";
import type { AlertChannelName } from "../resources/alerts/types";
import type { AlertEvent, AlertQueueState, SettledAlertEvent } from "./alert-queue";

export interface AlertQueueInput {
  channel: AlertChannelName;
  dedupKey: string;
  /** Carried over continue-as-new. */
  carried?: AlertQueueState;
}

/** One event for one channel's queue. */
export interface AlertHandoff {
  channel: AlertChannelName;
  event: AlertEvent;
}

export interface AlertQueueView {
  pending: Array<Pick<AlertEvent, "id" | "decision" | "incident">>;
  settled: SettledAlertEvent[];
  open: string[];
}

export const enqueueAlertSignal = defineSignal<[AlertEvent]>("enqueueAlert");
export const alertQueueStateQuery = defineQuery<AlertQueueView>("alertQueueState");

/**
 * How long a hand-off may take, retries included. A resolve whose trigger
 * the queue has not seen waits this long for it; an idle queue lives longer
 * than this, so a duplicated hand-off always finds the queue that delivered
 * the original.
 */
export const ALERT_HANDOFF_WINDOW = "10 minutes";

export function alertQueueWorkflowId(channel: AlertChannelName, dedupKey: string): string {
  return `materia-alert-queue:${channel}:${dedupKey}`;
}

/** One delivery of one event: the id makes a second start of the same delivery a no-op. */
export function alertDeliveryWorkflowId(channel: AlertChannelName, dedupKey: string, eventId: string): string {
  return `materia-alert:${channel}:${dedupKey}:${eventId}`;
}

/** `<decision>:<origin>`: the origin (run and step, or monitor evaluation) plans at most one event per decision and key. */
export function alertEventId(decision: AlertEvent["decision"], origin: string): string {
  return `${decision}:${origin}`;
}
