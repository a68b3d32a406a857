/**
 * The query side of the platform: a Glue Data Catalog database per environment with a table for every job output,
 * Glue as the clusters' and the serverless application's Hive metastore, and an Athena workgroup whose settings
 * every query must use. Always on: the outputs are what people consume, so every environment catalogs them.
 *
 * Athena's limit (docs: "Using workgroups to control query access and costs"): a per-query data usage control is at
 * least 10 MB (10485760 bytes).
 */
import { z } from "zod";

const GLUE_NAME = /^[a-z0-9_]{1,255}$/;
const MIN_CUTOFF_BYTES = 10 * 1024 * 1024;

export const catalogSchema = z
  .object({
    database: z
      .string()
      .regex(GLUE_NAME, "not a Glue database name Athena can query (lower-case letters, digits, _); fix: e.g. emr_platform_dev")
      .optional()
      .describe("Glue database name; default `<project>_<env>` with - as _ (e.g. emr_platform_dev)."),
    athena: z
      .object({
        bytesScannedCutoffPerQuery: z
          .number()
          .int()
          .min(MIN_CUTOFF_BYTES, "below Athena's 10 MB minimum (10485760); fix: e.g. 10737418240 for 10 GB")
          .default(10 * 1024 ** 3)
          .describe("Athena cancels a query of the workgroup that scans more than this many bytes (cost guard)."),
        resultsRetentionDays: z.number().int().min(1).max(3650).default(30).describe("Days query results are kept under athena-results/."),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type CatalogConfig = z.output<typeof catalogSchema>;

/** `<project>_<env>` as a Glue name: Athena reads `-` in a database name only when quoted, so it becomes `_`. */
export const defaultDatabaseName = (config: { readonly project: string; readonly name: string }): string =>
  `${config.project}_${config.name}`.toLowerCase().replace(/[^a-z0-9_]/g, "_");
