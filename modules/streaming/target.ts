/**
 * The contract between modules/streaming (the Kinesis stream, the cluster's access to it, the alarms), the operator
 * CLI's `stream start|status|stop|put` (which read StreamingOutput from the `streaming` stack output), and the
 * `financial_stream` job (whose arguments the CLI builds from it).
 */
import { PREFIXES } from "../../contracts/stack-outputs";

/** Data-bucket prefix of the financial_stream job's results (StreamingOutput.outputUri); the catalog's stream tables sit below it. */
export const STREAM_JOB_OUTPUT = `${PREFIXES.streaming}financial/`;

/** The `streaming` stack output, JSON-encoded; `{}` when the environment does not enable streaming. */
export interface StreamingOutput {
  readonly streamName: string;
  readonly streamArn: string;
  /** `s3://<data bucket>/streaming/financial/`: bars/, indicators/, anomalies/, rejected/, progress/ below it. */
  readonly outputUri: string;
  /** `s3://<data bucket>/checkpoints/financial_stream/`: the query's checkpoint (Structured Streaming). */
  readonly checkpointUri: string;
  /** `s3://<data bucket>/streaming/financial/_control/stop`: the job finishes its batch and stops when it appears. */
  readonly stopMarkerUri: string;
  /** The platform SNS topic anomalies are sent to (`--alerts-topic`). */
  readonly alertsTopicArn: string;
  /** CloudWatch namespace and metric the job publishes after each batch (the "no progress" alarm watches it). */
  readonly progressMetric: { readonly namespace: string; readonly name: string };
  readonly barSeconds: number;
  readonly watermarkSeconds: number;
  readonly triggerSeconds: number;
}
