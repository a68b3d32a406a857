/**
 * Streaming: market ticks on a Kinesis data stream, turned into bars, indicators and alerts by Spark Structured
 * Streaming on the long-running cluster (the `financial_stream` job, a step the CLI adds). Off unless enabled.
 *
 * Limits are Kinesis Data Streams' (docs: "Quotas and limits", "Changing the data retention period"): retention
 * 24–8760 hours; a provisioned stream's shard count is at least 1.
 */
import { z } from "zod";

export const streamingSchema = z
  .object({
    enabled: z.boolean().default(false).describe("Create the ticks stream, its access for the cluster, and its alarms."),
    stream: z
      .object({
        mode: z.enum(["ON_DEMAND", "PROVISIONED"]).default("ON_DEMAND").describe("ON_DEMAND scales by itself; PROVISIONED bills per shard-hour."),
        shards: z.number().int().min(1, "below 1 shard; fix: 1 or more").max(500, "above 500 shards; fix: ask for a quota increase first").default(1).describe("Shards of a PROVISIONED stream (ignored on demand)."),
        retentionHours: z.number().int().min(24, "below Kinesis's 24 hours; fix: 24–8760").max(8760, "above Kinesis's 8760 hours (365 days); fix: 24–8760").default(24),
      })
      .strict()
      .prefault({}),
    barSeconds: z.number().int().min(1).max(86400).default(60).describe("Event-time bar interval."),
    watermarkSeconds: z.number().int().min(1, "below 1 second; fix: 1 or more (the job needs a watermark to close bars)").max(86400).default(120).describe("How late a tick may arrive and still count; later ones are rejected as `late`."),
    triggerSeconds: z.number().int().min(1).max(3600).default(10).describe("Micro-batch trigger interval."),
    alarms: z
      .object({
        iteratorAgeMs: z.number().int().min(1000).default(60_000).describe("Alarm when the consumer lags the stream by more than this (GetRecords.IteratorAgeMilliseconds, max)."),
        noProgressMinutes: z.number().int().min(1).max(1440).default(10).describe("Alarm when the job's batches-completed metric stops moving for this long."),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type StreamingConfig = z.output<typeof streamingSchema>;
