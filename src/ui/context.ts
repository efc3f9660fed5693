/**
 * What the UI's pages and actions need: the definitions (loaded the way the
 * CLI loads them), the catalog, a Temporal client when the server is up, and
 * the few settings a page may show. Nothing here carries a secret: the pages
 * get only the Temporal Web UI URL, namespace and task queue.
 */
import type { Client } from "@temporalio/client";
import type { Definitions } from "../core";
import type { Catalog } from "../resources/catalog";
import type { ObjectStore } from "../resources/object-store";
import type { Logger } from "../utils/logger";

export interface UiSettings {
  /** Base URL of the Temporal Web UI, for run links. */
  temporalUiUrl: string;
  namespace: string;
  taskQueue: string;
  /** Where the catalog lives, as the store describes itself (never with credentials). */
  storeDescription: string;
}

export interface UiContext {
  definitions(): Definitions;
  catalog: Catalog;
  store: ObjectStore;
  /** Scratch folder for source observations that download. */
  scratchRoot: string;
  /** A connected client, or undefined while the Temporal server is unreachable (pages say so). */
  temporal(): Promise<Client | undefined>;
  settings: UiSettings;
  log: Logger;
}

export function workflowLink(settings: UiSettings, workflowId: string): string {
  return `${settings.temporalUiUrl}/namespaces/${encodeURIComponent(settings.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
