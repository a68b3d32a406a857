/**
 * The Kinesis Data Streams price table (environments/kinesis-prices.json) and its reader, for the plan summary.
 * Validated on load like the other price tables (instance-types.ts), so a typo is a clear error, not a NaN total.
 */
import { join } from "node:path";
import { z } from "zod";
import { parseTable, PRICE_TABLE_PROVENANCE, readPriceTable } from "./instance-types";

export const KINESIS_PRICE_TABLE = "environments/kinesis-prices.json";
export const DEFAULT_KINESIS_PRICES_PATH = join(__dirname, "kinesis-prices.json");

const usd = z.number().positive();

export const kinesisPriceTableSchema = z
  .object({
    ...PRICE_TABLE_PROVENANCE,
    regions: z.record(
      z.string(),
      z
        .object({
          onDemand: z.object({ streamHour: usd, ingestedGb: usd }).strict(),
          provisioned: z.object({ shardHour: usd }).strict(),
        })
        .strict(),
    ),
  })
  .strict();

export type KinesisPriceTable = z.infer<typeof kinesisPriceTableSchema>;
export type KinesisRates = KinesisPriceTable["regions"][string];

export function parseKinesisPriceTable(input: unknown, source = "kinesis-prices.json"): KinesisPriceTable {
  return parseTable(kinesisPriceTableSchema, input, source);
}

export function loadKinesisPriceTable(path = DEFAULT_KINESIS_PRICES_PATH): KinesisPriceTable {
  return readPriceTable(path, parseKinesisPriceTable);
}

/** The rates of one region, or undefined when the table has no row for it. */
export function kinesisRates(table: KinesisPriceTable, region: string): KinesisRates | undefined {
  return Object.hasOwn(table.regions, region) ? table.regions[region] : undefined;
}
