/**
 * Where the vendor's monthly files land and what they look like: shared by
 * the generator (which writes them) and `market/raw_bars` (which reads them).
 */
import { MaterializeError, monthlyPartitions, type MaterializeContext, type ParquetOptions } from "materia";

export const MARKET_MONTHS = monthlyPartitions({ start: "2011-01" });

/** Parquet for wide tables of unique doubles: no dictionary attempts, lz4 (writes ~2× faster than zstd + dictionary, measured). */
export const WIDE_FLOAT_PARQUET: ParquetOptions = { compression: "lz4_raw", dictionary: false };

/**
 * The steps that also read neighbouring months need this month's upstream:
 * without it, a clear error instead of an empty result.
 */
export function requireMonthOf(ctx: MaterializeContext, input: string): void {
  if (!(ctx.upstreamPartitions[input] ?? []).includes(ctx.partitionKey!)) {
    throw new MaterializeError(`market/${input} has no data for ${ctx.partitionKey!}.`, { hint: `Materialize market/${input} for this month first.` });
  }
}

export const LANDING_PREFIX = "landing/market/ohlcv-1m/";

export function landingKey(month: string): string {
  return `${LANDING_PREFIX}${month}.csv.zst`;
}

/** The month a landing key belongs to, or undefined when the key is not a vendor file. */
export function monthOfLandingKey(key: string): string | undefined {
  const match = /^landing\/market\/ohlcv-1m\/(\d{4}-\d{2})\.csv\.zst$/.exec(key);
  return match?.[1];
}

/** Databento `ohlcv-1m` CSV columns, in file order. */
export const VENDOR_COLUMNS = ["ts_event", "rtype", "publisher_id", "instrument_id", "open", "high", "low", "close", "volume", "symbol"] as const;

/** Databento record type of a 1-minute OHLCV bar. */
export const RTYPE_OHLCV_1M = 33;
/** CME Globex MDP 3.0. */
export const PUBLISHER_GLBX = 1;
/** Vendor prices are integers in units of 1e-9. */
export const PRICE_SCALE = 1e9;

export interface RootSpec {
  root: string;
  /** Price level around which the generated series moves. */
  basePrice: number;
  tick: number;
  /** Standard deviation of one minute's log return. */
  minuteSigma: number;
  /** Annualised cost of carry: deferred contracts trade at exp(carry · years to expiry). */
  carry: number;
  /** Contracts per minute in regular trading hours for the front contract. */
  baseVolume: number;
}

/** The ten CME roots, quarterly cycle (H M U Z), expiring on the third Friday. */
export const MARKET_ROOTS: readonly RootSpec[] = [
  { root: "ES", basePrice: 4000, tick: 0.25, minuteSigma: 0.00035, carry: 0.012, baseVolume: 900 },
  { root: "NQ", basePrice: 14000, tick: 0.25, minuteSigma: 0.00045, carry: 0.012, baseVolume: 400 },
  { root: "YM", basePrice: 34000, tick: 1, minuteSigma: 0.0003, carry: 0.01, baseVolume: 120 },
  { root: "RTY", basePrice: 1900, tick: 0.1, minuteSigma: 0.0005, carry: 0.01, baseVolume: 150 },
  { root: "CL", basePrice: 75, tick: 0.01, minuteSigma: 0.0007, carry: -0.03, baseVolume: 500 },
  { root: "GC", basePrice: 1900, tick: 0.1, minuteSigma: 0.0003, carry: 0.04, baseVolume: 300 },
  { root: "SI", basePrice: 23, tick: 0.005, minuteSigma: 0.0005, carry: 0.04, baseVolume: 100 },
  { root: "ZN", basePrice: 110, tick: 1 / 64, minuteSigma: 0.00012, carry: -0.01, baseVolume: 700 },
  { root: "ZB", basePrice: 125, tick: 1 / 32, minuteSigma: 0.0002, carry: -0.01, baseVolume: 250 },
  { root: "6E", basePrice: 1.1, tick: 0.00005, minuteSigma: 0.00015, carry: 0.02, baseVolume: 350 },
];

/** Globex trades 23 hours: 17:00 → 16:00 America/Chicago. */
export const SESSION_MINUTES = 1380;
/** Volume moves to the next contract this many days before the front one expires. */
export const ROLL_DAYS_BEFORE_EXPIRY = 8;
