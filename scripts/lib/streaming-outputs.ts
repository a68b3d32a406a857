/**
 * The environment's stream and the `financial_stream` job's locations as the stack's `streaming` output describes
 * them (contracts/stack-outputs.ts, modules/streaming/target.ts StreamingOutput): `stream start|status|stop|put` never
 * guess a stream name or an S3 prefix. Validated here, so a malformed output is one clear line instead of a crash.
 */
import { z } from "zod";
import type { StreamingOutput } from "../../modules/streaming/target";
import { featureFromOutputs, parseFeatureOutput } from "./json-output";
import type { PartialOutputs } from "./stack-outputs";

const S3_PREFIX = z.string().regex(/^s3:\/\/[^/\s]+\/\S*\/$/, "an s3:// prefix ending in /");
const seconds = z.number().int().positive();

const StreamingOutputSchema = z.object({
  streamName: z.string().min(1),
  streamArn: z.string().regex(/^arn:aws[a-z-]*:kinesis:[^:\s]+:\d{12}:stream\/\S+$/, "a Kinesis stream ARN"),
  outputUri: S3_PREFIX,
  checkpointUri: S3_PREFIX,
  stopMarkerUri: z.string().regex(/^s3:\/\/[^/\s]+\/\S*[^/]$/, "an s3:// object URI"),
  alertsTopicArn: z.string().regex(/^arn:aws[a-z-]*:sns:[^:\s]+:\d{12}:\S+$/, "an SNS topic ARN"),
  progressMetric: z.object({ namespace: z.string().min(1), name: z.string().min(1) }),
  barSeconds: seconds,
  // At least 1, as environments/streaming.ts and the job's --watermark-seconds require.
  watermarkSeconds: seconds,
  triggerSeconds: seconds,
}) satisfies z.ZodType<StreamingOutput>;

const rules = (environment: string) => ({ environment, output: "streaming", feature: "streaming", subject: "the stream", schema: StreamingOutputSchema }) as const;

/** Parses the output's value (`{}` when the environment does not enable streaming); throws one line. */
export function parseStreamingOutput(environment: string, json: string): StreamingOutput {
  return parseFeatureOutput(rules(environment), json);
}

/** The stream of `environment` from the outputs; one line naming the fix when there is none. */
export function streamingFromOutputs(environment: string, enabled: boolean, outputs: PartialOutputs, unavailable: string | undefined): StreamingOutput {
  return featureFromOutputs(rules(environment), enabled, outputs.streaming, unavailable);
}
