/**
 * The job outputs' table declarations, read from spark-jobs/tables.json (generated from each job's tables.py by
 * `python -m emr_jobs.tables --write`). The Glue tables are created from this file, so the tables and the jobs'
 * declarations cannot drift; spark-jobs' schema agreement test keeps the declarations equal to what the jobs write.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

const GLUE_NAME = /^[a-z0-9_]{1,255}$/;

const column = z.object({ name: z.string().regex(GLUE_NAME), type: z.string().min(1), comment: z.string().default("") });
const partition = z.object({ name: z.string().regex(GLUE_NAME), type: z.string().min(1) });

export const tableDeclarationSchema = z.object({
  name: z.string().regex(GLUE_NAME, "not a Glue table name (lower-case letters, digits, _)"),
  /** The catalogue job (spark-jobs/catalog.json) whose --output holds the dataset. */
  job: z.string().min(1),
  /** The subfolder the job writes under its --output, e.g. "scored". */
  dataset: z.string().min(1),
  format: z.enum(["parquet", "json", "csv"]).default("parquet"),
  comment: z.string().default(""),
  columns: z.array(column).min(1),
  /** The `k=v` directory keys under the dataset, outermost first. */
  partitions: z.array(partition).default([]),
});

export const tablesFileSchema = z.object({ tables: z.array(tableDeclarationSchema) });

export type TableDeclaration = z.output<typeof tableDeclarationSchema>;
export type TablesFile = z.output<typeof tablesFileSchema>;

export const TABLES_FILE = join(__dirname, "..", "spark-jobs", "tables.json");

/** The declarations, sorted by name; a missing or malformed file is one error line naming the fix. */
export function loadTableDeclarations(file = TABLES_FILE): TableDeclaration[] {
  const regenerate = "fix: cd spark-jobs && python -m emr_jobs.tables --write";
  if (!existsSync(file)) throw new Error(`${file} not found; ${regenerate}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`${file} is not JSON (${(e as Error).message}); ${regenerate}`);
  }
  const parsed = tablesFileSchema.safeParse(raw);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`${file} does not match the tables contract (${where}); ${regenerate}`);
  }
  return [...parsed.data.tables].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
