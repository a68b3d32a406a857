/**
 * The `financial_stream` step on the long-running cluster: the job arguments `stream start` builds from the
 * StreamingOutput, and finding the stream step among the cluster's steps (to refuse a second one, to show its state,
 * to stop it). A stream step is recognised by its entry script, so one added with `submit financial_stream` counts too.
 */
import { ListStepsCommand, type StepState, type StepSummary } from "@aws-sdk/client-emr";
import type { StreamingOutput } from "../../modules/streaming/target";
import type { EmrApi } from "./cluster";

export const STREAM_JOB = "financial_stream";

/** Where the Kinesis reader starts when the query has no checkpoint yet (the connector's kinesis.startingPosition). */
export const STARTING_POSITIONS = ["LATEST", "TRIM_HORIZON"] as const;
export type StartingPosition = (typeof STARTING_POSITIONS)[number];

/** States in which a step still holds (or will hold) the stream's consumer and checkpoint. */
export const ACTIVE_STEP_STATES = ["PENDING", "RUNNING", "CANCEL_PENDING"] as const satisfies readonly StepState[];

/**
 * The job's arguments on the cluster: the Kinesis source (the connector ships with EMR >= 7.1, so spark-submit needs
 * no --jars: EMR Release Guide, "Using the Spark structured streaming Amazon Kinesis Data Streams connector") and
 * every location and interval from the stack's output, so the job, the alarms and the CLI agree on them.
 */
export function streamJobArguments(streaming: StreamingOutput, region: string, startingPosition?: StartingPosition): string[] {
  return [
    "--source", "kinesis",
    "--stream-name", streaming.streamName,
    "--region", region,
    ...(startingPosition ? ["--starting-position", startingPosition] : []),
    "--output", streaming.outputUri,
    "--checkpoint", streaming.checkpointUri,
    "--stop-marker", streaming.stopMarkerUri,
    "--alerts-topic", streaming.alertsTopicArn,
    // The heartbeat the no-progress alarm watches (modules/streaming/stream-alarms.ts), in the stack's own region.
    "--progress-metric", `${streaming.progressMetric.namespace}/${streaming.progressMetric.name}`,
    "--bar-seconds", String(streaming.barSeconds),
    "--watermark-seconds", String(streaming.watermarkSeconds),
    "--trigger-seconds", String(streaming.triggerSeconds),
  ];
}

/** Whether a step runs the stream job: its spark-submit entry script is the job's (`…/financial_stream.py`). */
export function isStreamStep(step: Pick<StepSummary, "Config">): boolean {
  return (step.Config?.Args ?? []).some((arg) => arg.endsWith(`/${STREAM_JOB}.py`));
}

/**
 * The cluster's stream steps, newest first (ListSteps returns the newest first: EMR API reference, ListSteps),
 * optionally only those in `states`. Pages until `limit` stream steps are found or the list ends.
 */
export async function streamSteps(emr: EmrApi, clusterId: string, options: { states?: readonly StepState[]; limit?: number } = {}): Promise<StepSummary[]> {
  const found: StepSummary[] = [];
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  let marker: string | undefined;
  do {
    const page = await emr.send(new ListStepsCommand({ ClusterId: clusterId, StepStates: options.states ? [...options.states] : undefined, Marker: marker }));
    found.push(...(page.Steps ?? []).filter(isStreamStep));
    marker = page.Marker;
  } while (marker && found.length < limit);
  return found.slice(0, limit);
}
