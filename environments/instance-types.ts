/**
 * The one table of instance types per region, with their prices (environments/instance-types.json), and its one
 * reader: the config checks ask which types a region offers, the spot bid (modules/emr-cluster/bid-price.ts) caps at
 * the on-demand price, and the plan summary prices clusters from it. Validated on load, so a typo in the table is a
 * clear error, not a NaN total.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { PARSED_ONCE } from "./parsed-once";

/** Repository path of the table, for messages that tell the reader where to add a row. */
export const INSTANCE_TYPE_TABLE = "environments/instance-types.json";

const hourly = z.number().positive();

/** What every price table says about itself: where its prices come from, when, how exact, and what they leave out. */
export const PRICE_TABLE_PROVENANCE = {
  about: z.string().min(1),
  source: z.string().min(1),
  compiled: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "not a date; fix: YYYY-MM-DD"),
  accuracy: z.string().min(1),
  currency: z.literal("USD"),
  excludes: z.string().min(1),
};

export const priceTableSchema = z
  .object({
    about: z.string().min(1),
    /** Where the list of EMR-supported types comes from. */
    supportSource: z.string().min(1),
    source: z.string().min(1),
    /** When the table was written down; the prices themselves are as published in `accuracy`. */
    compiled: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "not a date; fix: YYYY-MM-DD"),
    accuracy: z.string().min(1),
    currency: z.literal("USD"),
    unit: z.literal("per instance-hour"),
    spot: z.object({ discountOffOnDemand: z.number().min(0).lt(1), assumption: z.string().min(1) }).strict(),
    excludes: z.string().min(1),
    regions: z.record(z.string(), z.record(z.string(), z.object({ ec2: hourly, emr: hourly }).strict())),
  })
  .strict();

export type PriceTable = z.infer<typeof priceTableSchema>;
export interface InstancePrice {
  /** On-demand EC2, USD per hour. */
  readonly ec2: number;
  /** Amazon EMR uplift, USD per hour (charged on spot instances too). */
  readonly emr: number;
}

/** The table's path on disk, for tools that take another table in its place (the plan summary's --prices). */
export const DEFAULT_PRICES_PATH = join(__dirname, "instance-types.json");

export class PriceTableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PriceTableError";
  }
}

/** `input` as `schema` reads it, or one PriceTableError listing every problem with its path. */
export function parseTable<T>(schema: z.ZodType<T>, input: unknown, source: string): T {
  const result = schema.safeParse(input, PARSED_ONCE);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
  throw new PriceTableError(`${source}: ${problems.join("; ")}`);
}

export function parsePriceTable(input: unknown, source = "instance-types.json"): PriceTable {
  return parseTable(priceTableSchema, input, source);
}

/** Reads and validates a JSON price table; every failure is one PriceTableError line naming the file. */
export function readPriceTable<T>(path: string, parse: (input: unknown, source: string) => T): T {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new PriceTableError(`${path}: cannot read the price table`);
  }
  try {
    return parse(JSON.parse(text), path);
  } catch (error) {
    if (error instanceof PriceTableError) throw error;
    throw new PriceTableError(`${path}: not valid JSON`);
  }
}

export function loadPriceTable(path = DEFAULT_PRICES_PATH): PriceTable {
  return readPriceTable(path, parsePriceTable);
}

let cached: PriceTable | undefined;

/** The checked-in table, read and validated once per process (synth builds four stacks). */
export function defaultPriceTable(): PriceTable {
  cached ??= loadPriceTable();
  return cached;
}

/** Regions the table covers. */
export function tableRegions(table: PriceTable = defaultPriceTable()): string[] {
  return Object.keys(table.regions);
}

/** The instance types listed for `region`, or undefined when the table has no rows for it. */
export function instanceTypesIn(region: string, table: PriceTable = defaultPriceTable()): string[] | undefined {
  const rows = Object.hasOwn(table.regions, region) ? table.regions[region] : undefined;
  return rows ? Object.keys(rows) : undefined;
}

/** The price of one instance type in a region, or undefined when the table does not list it. */
export function priceOf(table: PriceTable, region: string, instanceType: string): InstancePrice | undefined {
  return table.regions[region]?.[instanceType];
}
