/**
 * `stream put`'s producer: JSON-lines ticks to Kinesis with PutRecords. Limits (Kinesis API reference, PutRecords):
 * at most 500 records and 5 MiB per request, partition keys included; a record (data + partition key) at most 1 MiB;
 * a partition key 1–256 characters. PutRecords is not all-or-nothing: each entry of the answer carries either a
 * sequence number or an ErrorCode (ProvisionedThroughputExceededException, InternalFailure), so only the failed
 * entries are sent again, with exponential backoff. Retried records may land after later ones: the stream job orders
 * ticks by event time (its watermark), not by arrival.
 */
import { PutRecordsCommand, type KinesisClient, type PutRecordsRequestEntry } from "@aws-sdk/client-kinesis";
import { setTimeout as sleep } from "node:timers/promises";
import { CliError, Interrupted } from "./errors";

export const MAX_RECORDS_PER_REQUEST = 500;
export const MAX_BYTES_PER_REQUEST = 5 * 1024 * 1024;
export const MAX_BYTES_PER_RECORD = 1024 * 1024;
export const MAX_PARTITION_KEY_LENGTH = 256;

export interface TickRecord {
  /** 1-based line in the file, for messages. */
  line: number;
  data: Uint8Array;
  partitionKey: string;
}

/** What PutRecords counts against its limits: the data blob plus the partition key (UTF-8 bytes). */
export function recordBytes(record: Pick<TickRecord, "data" | "partitionKey">): number {
  return record.data.length + Buffer.byteLength(record.partitionKey, "utf8");
}

/** Why one line cannot be sent, or its record. */
function lineRecord(text: string, line: number, partitionField: string): TickRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return `is not JSON (${(err as Error).message})`;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "is not a JSON object";
  const field = (value as Record<string, unknown>)[partitionField];
  if ((typeof field !== "string" && typeof field !== "number") || String(field) === "") return `has no "${partitionField}" for the partition key`;
  const partitionKey = String(field);
  if (partitionKey.length > MAX_PARTITION_KEY_LENGTH) return `has a "${partitionField}" longer than Kinesis's ${MAX_PARTITION_KEY_LENGTH}-character partition key`;
  const record = { line, data: Buffer.from(text, "utf8"), partitionKey };
  if (recordBytes(record) > MAX_BYTES_PER_RECORD) return `is larger than Kinesis's 1 MiB per record`;
  return record;
}

/**
 * Every non-blank line of a JSON-lines file as a record keyed by `partitionField`. Nothing is sent when any line is
 * bad: one line names the first bad line (and how many more there are) and the fix.
 */
export function parseTicks(text: string, file: string, partitionField: string): TickRecord[] {
  const records: TickRecord[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed === "") return;
    const result = lineRecord(trimmed, index + 1, partitionField);
    if (typeof result === "string") problems.push(`${file} line ${index + 1} ${result}`);
    else records.push(result);
  });
  if (problems.length > 0) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more bad line${problems.length > 2 ? "s" : ""})` : "";
    throw new CliError(`${problems[0]}${more}; nothing was sent. fix: one JSON object per line, each with "${partitionField}" (or pick the key with --partition-key)`);
  }
  if (records.length === 0) throw new CliError(`${file} has no records; fix: one JSON object per line, like {"symbol":"AAPL","market":"NASDAQ","ts":"2026-01-02T14:30:00Z","price":"189.25","volume":100}`);
  return records;
}

/** Consecutive batches within both PutRecords limits (pure). */
export function batchRecords<R extends Pick<TickRecord, "data" | "partitionKey">>(records: readonly R[]): R[][] {
  const batches: R[][] = [];
  let current: R[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = recordBytes(record);
    if (current.length === MAX_RECORDS_PER_REQUEST || (current.length > 0 && bytes + size > MAX_BYTES_PER_REQUEST)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(record);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

export interface PutSummary {
  /** Records Kinesis accepted. */
  sent: number;
  /** Records sent again after a failed entry (one record retried twice counts twice). */
  retried: number;
  /** Records still refused after the last attempt. */
  failed: number;
  requests: number;
  /** ErrorCode → how many entries failed with it on their last attempt. */
  failures: Record<string, number>;
}

export interface PutOptions {
  streamArn: string;
  /** Attempts per record, the first included. @default 5 */
  maxAttempts?: number;
  /** Delay before the first retry; doubles per attempt up to 20x. @default 100 */
  backoffMs?: number;
  signal?: AbortSignal;
  /** After each batch ends (all its records accepted or given up). */
  onBatch?: (index: number, total: number, summary: PutSummary) => void;
  /** Counted into as records go, so a caller still knows what was sent when a request fails. */
  summary?: PutSummary;
}

export function emptyPutSummary(): PutSummary {
  return { sent: 0, retried: 0, failed: 0, requests: 0, failures: {} };
}

/** Sends every record, retrying only the failed entries; never throws for refused entries (they are counted). */
export async function putRecords(kinesis: Pick<KinesisClient, "send">, records: readonly TickRecord[], options: PutOptions): Promise<PutSummary> {
  const maxAttempts = options.maxAttempts ?? 5;
  const backoffMs = options.backoffMs ?? 100;
  const summary = options.summary ?? emptyPutSummary();
  const batches = batchRecords(records);
  for (const [index, batch] of batches.entries()) {
    let pending: readonly TickRecord[] = batch;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > 1) {
        summary.retried += pending.length;
        await pause(Math.min(backoffMs * 2 ** (attempt - 2), backoffMs * 20), options.signal, summary);
      }
      const entries: PutRecordsRequestEntry[] = pending.map((r) => ({ Data: r.data, PartitionKey: r.partitionKey }));
      const answer = await kinesis.send(new PutRecordsCommand({ StreamARN: options.streamArn, Records: entries }), { abortSignal: options.signal });
      summary.requests++;
      // The answer holds one entry per request record, in request order (Kinesis API reference, PutRecords: Response Elements).
      const results = answer.Records ?? [];
      const refused: { record: TickRecord; code: string }[] = [];
      pending.forEach((record, i) => {
        const code = results[i]?.ErrorCode ?? (results[i]?.SequenceNumber ? undefined : "NoResult");
        if (code) refused.push({ record, code });
      });
      summary.sent += pending.length - refused.length;
      if (refused.length > 0 && attempt >= maxAttempts) {
        summary.failed += refused.length;
        for (const { code } of refused) summary.failures[code] = (summary.failures[code] ?? 0) + 1;
        break;
      }
      pending = refused.map((r) => r.record);
    }
    options.onBatch?.(index + 1, batches.length, summary);
  }
  return summary;
}

async function pause(ms: number, signal: AbortSignal | undefined, summary: PutSummary): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (err) {
    if ((err as Error).name === "AbortError") throw new Interrupted(`interrupted; ${summary.sent} records were sent before Ctrl-C (rerunning sends every record again)`);
    throw err;
  }
}
