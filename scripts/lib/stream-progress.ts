/**
 * The `financial_stream` job's progress records (spark-jobs/src/emr_jobs/streaming/progress.py): after each
 * micro-batch it writes one JSON line to `<outputUri>progress/batch=<id>.json`, then the same line to
 * `progress/latest.json`. `stream status` and `stream stop` read latest.json (one GET, however long the stream has
 * run); without it they list the records and take the highest id, not the last key in S3's lexicographic listing
 * (batch=10 sorts before batch=9).
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { z } from "zod";
import { CliError, isNotFound } from "./errors";
import { parseS3Uri } from "./step-logs";
import { PARSED_ONCE } from "../../environments/parsed-once";

const count = z.number().int().min(0);
const ProgressSchema = z.object({
  batch_id: count,
  input_rows: count,
  /** The batch's rows over its wall time; null when the batch took no measurable time. */
  rows_per_second: z.number().min(0).nullable(),
  /** The event-time watermark the batch ran with (ISO 8601); null before the first tick. */
  watermark: z.string().nullable(),
  /** Tick→bar latency in milliseconds; null when the batch closed no bar. */
  latency_ms: z.object({ p50: z.number().nullable(), p95: z.number().nullable() }).nullable(),
  /** Bars the batch closed and wrote. */
  bars: count,
  rejected_by_reason: z.record(z.string(), count),
  /** Anomaly alerts published to SNS by this batch (each anomaly at most once across replays). */
  alerts_sent: count,
});

export type ProgressRecord = z.infer<typeof ProgressSchema>;

export interface NewestProgress {
  uri: string;
  record: ProgressRecord;
  /** When S3 received it: how stale the stream's progress is. */
  lastModified?: Date;
}

const PROGRESS_KEY = /(?:^|\/)batch=(\d+)\.json$/;
/** The job's copy of its newest record, beside the per-batch ones. */
const LATEST_KEY = "latest.json";

/** `<outputUri>progress/`: where the job writes its records. */
export function progressPrefix(outputUri: string): { bucket: string; prefix: string } {
  const { bucket, key } = parseS3Uri(outputUri);
  return { bucket, prefix: `${key}progress/` };
}

/** The batch id a progress key names, or undefined for any other object under the prefix. */
export function progressBatchId(key: string): number | undefined {
  const match = PROGRESS_KEY.exec(key);
  return match ? Number(match[1]) : undefined;
}

/** Parses one record; throws one line naming the object and the field that is wrong. */
export function parseProgressRecord(uri: string, text: string): ProgressRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new CliError(`${uri} is not JSON; fix: check that the stream step runs this checkout's financial_stream (npm run emr -- stream start)`);
  }
  const parsed = ProgressSchema.safeParse(raw, PARSED_ONCE);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(`${uri} is not a progress record: ${issue.path.join(".") || "(root)"}: ${issue.message}; fix: check that the stream step runs this checkout's financial_stream`);
  }
  return parsed.data;
}

/** The newest progress record under `<outputUri>progress/`, or undefined before the first batch ends. */
export async function newestProgress(s3: Pick<S3Client, "send">, outputUri: string, abortSignal?: AbortSignal): Promise<NewestProgress | undefined> {
  const { bucket, prefix } = progressPrefix(outputUri);
  return (await readProgress(s3, bucket, `${prefix}${LATEST_KEY}`, undefined, abortSignal)) ?? (await highestListed(s3, bucket, prefix, abortSignal));
}

/** Without latest.json (a job from before it, or it was removed): the highest batch id listed. */
async function highestListed(s3: Pick<S3Client, "send">, bucket: string, prefix: string, abortSignal?: AbortSignal): Promise<NewestProgress | undefined> {
  let newest: { key: string; id: number; lastModified?: Date } | undefined;
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }), { abortSignal });
    for (const object of page.Contents ?? []) {
      const id = object.Key === undefined ? undefined : progressBatchId(object.Key);
      if (id !== undefined && (!newest || id > newest.id)) newest = { key: object.Key!, id, lastModified: object.LastModified };
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return newest ? readProgress(s3, bucket, newest.key, newest.lastModified, abortSignal) : undefined;
}

async function readProgress(s3: Pick<S3Client, "send">, bucket: string, key: string, listedModified: Date | undefined, abortSignal?: AbortSignal): Promise<NewestProgress | undefined> {
  const uri = `s3://${bucket}/${key}`;
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal });
    const text = await object.Body!.transformToString("utf8");
    return { uri, record: parseProgressRecord(uri, text), lastModified: object.LastModified ?? listedModified };
  } catch (err) {
    // Listed, then gone (a lifecycle rule, a cleanup): report no record rather than fail the status.
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/**
 * "batch 42 · 1,200 rows · 120.5 rows/s · 60 bars · rejected 3 (late 2, null_price 1) · watermark
 * 2026-01-01T10:00:00Z · latency p50 850 ms, p95 2,300 ms" (alerts only when some were sent).
 */
export function describeProgress(record: ProgressRecord): string {
  const number = (n: number) => n.toLocaleString("en-US");
  const ms = (n: number | null) => (n === null ? "-" : `${number(Math.round(n))} ms`);
  const latency = record.latency_ms?.p50 != null ? `latency p50 ${ms(record.latency_ms.p50)}, p95 ${ms(record.latency_ms.p95)}` : "no bar closed";
  const reasons = Object.entries(record.rejected_by_reason).sort(([a], [b]) => a.localeCompare(b));
  const rejected = reasons.reduce((sum, [, n]) => sum + n, 0);
  return [
    `batch ${record.batch_id}`,
    `${number(record.input_rows)} rows`,
    record.rows_per_second === null ? "- rows/s" : `${record.rows_per_second.toFixed(1)} rows/s`,
    `${number(record.bars)} bars`,
    rejected === 0 ? "rejected 0" : `rejected ${number(rejected)} (${reasons.map(([reason, n]) => `${reason} ${number(n)}`).join(", ")})`,
    ...(record.alerts_sent > 0 ? [`${number(record.alerts_sent)} alerts sent`] : []),
    `watermark ${record.watermark ?? "none yet"}`,
    latency,
  ].join(" · ");
}
