/**
 * What an enabled ticks stream costs per hour: ON_DEMAND a fixed per-stream hour plus every GB written (the volume is
 * unknown at plan time, so the rate is shown), PROVISIONED its shards' hours ("Amazon Kinesis Data Streams pricing").
 */
import type { EnvironmentConfig } from "../../environments";
import { KINESIS_PRICE_TABLE, kinesisRates, type KinesisPriceTable } from "../../environments/kinesis-prices";

export type StreamingCost =
  | { readonly mode: "ON_DEMAND"; readonly hourly: number; readonly perGbWritten: number }
  | { readonly mode: "PROVISIONED"; readonly shards: number; readonly hourly: number };

/** The summary's view: the cost, or why there is none. */
export type StreamingCostEstimate = { readonly cost: StreamingCost } | { readonly unknown: string };

export function estimateStreamingCost(table: KinesisPriceTable, config: Pick<EnvironmentConfig, "region" | "streaming">): StreamingCostEstimate {
  const rates = kinesisRates(table, config.region);
  if (!rates) return { unknown: `no Kinesis price for ${config.region}; fix: add the region to ${KINESIS_PRICE_TABLE}` };
  const { mode, shards } = config.streaming.stream;
  return mode === "ON_DEMAND"
    ? { cost: { mode, hourly: rates.onDemand.streamHour, perGbWritten: rates.onDemand.ingestedGb } }
    : { cost: { mode, shards, hourly: shards * rates.provisioned.shardHour } };
}
