/**
 * The environment's stream and the `financial_stream` job's locations as the stack's `streaming` output describes
 * them (contracts/stack-outputs.ts, modules/streaming/target.ts StreamingOutput): `stream start|status|stop|put` never
 * guess a stream name or an S3 prefix. Validated here, so a malformed output is one clear line instead of a crash.
 */
import { z } from "zod";
import type { StreamingOutput } from "../../modules/streaming/target";
import { CliError } from "./errors";
import { parseJsonOutput } from "./json-output";
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
  // 0 is allowed: no lateness tolerated (environments/streaming.ts).
  watermarkSeconds: z.number().int().min(0),
  triggerSeconds: seconds,
}) satisfies z.ZodType<StreamingOutput>;

function notEnabled(environment: string): CliError {
  return new CliError(`streaming is not enabled for ${environment}; fix: set streaming.enabled in environments/${environment}.ts and deploy (npm run deploy -- ${environment})`);
}

/** Parses the output's value (`{}` when the environment does not enable streaming); throws one line. */
export function parseStreamingOutput(environment: string, json: string): StreamingOutput {
  return parseJsonOutput(json, StreamingOutputSchema, {
    output: "streaming",
    whenEmpty: () => notEnabled(environment),
    fix: `fix: redeploy the environment (npm run deploy -- ${environment})`,
  });
}

/**
 * The stream of `environment` from the outputs. Without outputs, a config that does not enable streaming is the
 * likelier story, so it is named first; otherwise why the outputs are unreadable.
 */
export function streamingFromOutputs(environment: string, enabled: boolean, outputs: PartialOutputs, unavailable: string | undefined): StreamingOutput {
  if (outputs.streaming !== undefined) return parseStreamingOutput(environment, outputs.streaming);
  if (!enabled) throw notEnabled(environment);
  const why = unavailable ?? "the stack has no streaming output (deployed before streaming existed)";
  throw new CliError(`the stream of ${environment} is unknown: ${why}; fix: npm run deploy -- ${environment}`);
}
