/** What every page handler gets: the context, the cached catalog and Temporal views, and the action token. */
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { UiContext } from "./context";
import { CatalogView } from "./partition-states";
import { TemporalView } from "./temporal-view";

export interface UiServices {
  ctx: UiContext;
  catalog: CatalogView;
  temporal: TemporalView;
  /** Every action form carries it; a POST without it is refused (with the same-origin check, against cross-site requests). */
  csrfToken: string;
  /** Forget cached reads after an action changed something. */
  invalidate(): void;
}

export function createServices(ctx: UiContext): UiServices {
  const catalog = new CatalogView(ctx);
  const temporal = new TemporalView(ctx);
  return {
    ctx,
    catalog,
    temporal,
    csrfToken: randomBytes(24).toString("hex"),
    invalidate: () => {
      catalog.invalidate();
      temporal.invalidate();
    },
  };
}

export function tokenMatches(expected: string, given: unknown): boolean {
  if (typeof given !== "string" || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(given));
}
