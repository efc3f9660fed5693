/**
 * The example pipeline: page views delivered monthly as CSV files to the
 * landing area, ingested, aggregated per day, and summarised over all months.
 * Small enough to read in one sitting; `npm start` runs it through Temporal.
 *
 *   example/landing_page_views (source: landing/example/page_views/YYYY-MM.csv)
 *     → example/page_views (monthly)  → example/daily_views (monthly)
 *                                     → example/top_pages (unpartitioned, all months)
 */
import { defineAsset, defineSourceAsset, monthlyPartitions } from "materia";

export const EXAMPLE_MONTHS = monthlyPartitions({ start: "2025-01" });

export function landingKey(month: string): string {
  return `landing/example/page_views/${month}.csv`;
}

export const landingPageViews = defineSourceAsset({
  key: "example/landing_page_views",
  description: "Monthly CSV exports of page views, delivered to the landing area.",
  partitions: EXAMPLE_MONTHS,
  async observe({ partitionKey, objects }) {
    const [file] = await objects.list(landingKey(partitionKey!));
    return file ? { dataVersion: file.etag ?? `${file.size}`, metadata: { bytes: file.size } } : undefined;
  },
});

export const pageViews = defineAsset({
  key: "example/page_views",
  description: "Validated page views of the month; rows with a bad timestamp or path are dropped.",
  partitions: EXAMPLE_MONTHS,
  deps: ["example/landing_page_views"],
  codeVersion: "1",
  checks: [
    { name: "path_not_null", blocking: true, check: "SELECT * FROM output WHERE path IS NULL" },
    { name: "duration_known", severity: "warn", check: "SELECT * FROM output WHERE duration_ms IS NULL OR duration_ms < 0" },
  ],
  async materialize(ctx) {
    const file = await ctx.objects.localPath(landingKey(ctx.partitionKey!));
    const { start, end } = ctx.timeWindow!;
    return `
      SELECT try_cast(viewed_at AS TIMESTAMP) AS viewed_at, trim(path) AS path, try_cast(duration_ms AS INTEGER) AS duration_ms
      FROM read_csv(${ctx.sql.literal(file)}, header = true, all_varchar = true)
      WHERE try_cast(viewed_at AS TIMESTAMP) >= ${ctx.sql.literal(start.toISOString())}::TIMESTAMP
        AND try_cast(viewed_at AS TIMESTAMP) <  ${ctx.sql.literal(end.toISOString())}::TIMESTAMP
        AND nullif(trim(path), '') IS NOT NULL
      ORDER BY viewed_at`;
  },
});

export const dailyViews = defineAsset({
  key: "example/daily_views",
  description: "Views and mean duration per day and page.",
  partitions: EXAMPLE_MONTHS,
  deps: ["example/page_views"],
  checks: [{ name: "views_positive", check: "SELECT * FROM output WHERE views <= 0" }],
  async materialize() {
    return `
      SELECT viewed_at::DATE AS day, path, count(*) AS views, round(avg(duration_ms), 1) AS mean_duration_ms
      FROM page_views
      GROUP BY ALL
      ORDER BY day, path`;
  },
});

export const topPages = defineAsset({
  key: "example/top_pages",
  description: "The ten most viewed pages over every published month.",
  deps: ["example/daily_views"],
  async materialize() {
    return `
      SELECT path, sum(views) AS views, count(DISTINCT day) AS days
      FROM daily_views
      GROUP BY path
      ORDER BY views DESC, path
      LIMIT 10`;
  },
});

export const exampleAssets = [landingPageViews, pageViews, dailyViews, topPages];
