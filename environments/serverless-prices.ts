/**
 * The EMR Serverless price table (environments/serverless-prices.json) and its reader, for the plan summary. Validated
 * on load like the instance-type table (instance-types.ts), so a typo is a clear error, not a NaN total.
 */
import { join } from "node:path";
import { z } from "zod";
import { parseTable, PRICE_TABLE_PROVENANCE, readPriceTable } from "./instance-types";
import type { ServerlessConfig } from "./serverless";

export const SERVERLESS_PRICE_TABLE = "environments/serverless-prices.json";
export const DEFAULT_SERVERLESS_PRICES_PATH = join(__dirname, "serverless-prices.json");

const hourly = z.number().positive();
const architecturePrice = z.object({ vcpuHour: hourly, memoryGbHour: hourly }).strict();

export const serverlessPriceTableSchema = z
  .object({
    ...PRICE_TABLE_PROVENANCE,
    /** Ephemeral storage every worker includes; only the rest is billed. */
    freeStorageGbPerWorker: z.number().int().nonnegative(),
    regions: z.record(z.string(), z.object({ X86_64: architecturePrice, ARM64: architecturePrice, storageGbHour: hourly }).strict()),
  })
  .strict();

export type ServerlessPriceTable = z.infer<typeof serverlessPriceTableSchema>;

/** What one region charges for one architecture, USD per hour. */
export interface ServerlessRates {
  readonly vcpuHour: number;
  readonly memoryGbHour: number;
  readonly storageGbHour: number;
  readonly freeStorageGbPerWorker: number;
}

export function parseServerlessPriceTable(input: unknown, source = "serverless-prices.json"): ServerlessPriceTable {
  return parseTable(serverlessPriceTableSchema, input, source);
}

export function loadServerlessPriceTable(path = DEFAULT_SERVERLESS_PRICES_PATH): ServerlessPriceTable {
  return readPriceTable(path, parseServerlessPriceTable);
}

/** The rates of one region and architecture, or undefined when the table has no row for the region. */
export function serverlessRates(table: ServerlessPriceTable, region: string, architecture: ServerlessConfig["architecture"]): ServerlessRates | undefined {
  const row = Object.hasOwn(table.regions, region) ? table.regions[region] : undefined;
  return row && { ...row[architecture], storageGbHour: row.storageGbHour, freeStorageGbPerWorker: table.freeStorageGbPerWorker };
}
