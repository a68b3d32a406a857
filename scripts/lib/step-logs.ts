/**
 * Step logs in the log bucket: EMR copies `<logUri><cluster>/steps/<step>/{stdout,stderr}.gz` there, minutes after
 * the step ends, so readers wait (with a deadline) instead of assuming the file exists.
 */
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { gunzipSync } from "node:zlib";
import { CliError, Interrupted, isNotFound, WaitTimeout } from "./errors";
import { pollUntil, type PollOptions } from "./poll";

export interface S3Location {
  bucket: string;
  key: string;
}

export function parseS3Uri(uri: string): S3Location {
  const match = /^s3n?:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new CliError(`not an s3:// URI: ${uri}`);
  return { bucket: match[1], key: match[2] };
}

export type LogStream = "stdout" | "stderr";

export function stepLogLocation(logUri: string, clusterId: string, stepId: string, stream: LogStream): S3Location {
  const base = parseS3Uri(logUri.endsWith("/") ? logUri : `${logUri}/`);
  return { bucket: base.bucket, key: `${base.key}${clusterId}/steps/${stepId}/${stream}.gz` };
}

/** FailureDetails.LogFile names the failing file or its folder; either way, where stderr is. */
export function failureLogLocation(logFile: string): S3Location {
  const location = parseS3Uri(logFile);
  if (location.key.endsWith(".gz") || location.key.endsWith(".log")) return location;
  return { bucket: location.bucket, key: `${location.key.replace(/\/?$/, "/")}stderr.gz` };
}

/** The log's text, or undefined while EMR has not copied it yet; a missing bucket is an error, not "not yet". */
export async function readLog(s3: Pick<S3Client, "send">, location: S3Location, abortSignal?: AbortSignal): Promise<string | undefined> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }), { abortSignal });
    const bytes = Buffer.from(await object.Body!.transformToByteArray());
    return location.key.endsWith(".gz") ? gunzipSync(bytes).toString("utf8") : bytes.toString("utf8");
  } catch (err) {
    if ((err as Error).name === "NoSuchBucket") {
      throw new CliError(`the log bucket ${location.bucket} does not exist; fix: pass --logs-bucket with the environment's logs bucket (npm run emr -- info <env> shows it)`);
    }
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/**
 * Waits up to `options.timeoutMs` for the log to appear; undefined if it never did. The first read is not cut by that
 * deadline (only by Ctrl-C and the request timeout): the deadline bounds the wait for EMR to copy the log, and a log
 * already in S3 must be shown however short the wait, as `pipeline status` (one plain read) shows it.
 */
export async function waitForLog(s3: Pick<S3Client, "send">, location: S3Location, options: PollOptions): Promise<string | undefined> {
  try {
    const first = await readLog(s3, location, options.signal);
    if (first !== undefined) return first;
  } catch (err) {
    if (options.signal?.aborted) throw new Interrupted(options.interruptMessage ?? "interrupted; nothing was changed or rolled back");
    throw err;
  }
  try {
    return await pollUntil(
      async (abortSignal) => {
        const text = await readLog(s3, location, abortSignal);
        return text === undefined ? { done: false } : { done: true, value: text };
      },
      options,
      `s3://${location.bucket}/${location.key}`,
    );
  } catch (err) {
    if (err instanceof WaitTimeout) return undefined;
    throw err;
  }
}

export function tail(text: string, lines: number): string {
  const all = text.replace(/\n$/, "").split("\n");
  return all.slice(Math.max(0, all.length - lines)).join("\n");
}
