/**
 * EMR steps: the spark-submit step we add, waiting for it, listing recent ones. Step states are classified by pure
 * functions because moto's steps never leave RUNNING; completion and failure are tested on recorded responses.
 */
import {
  AddJobFlowStepsCommand,
  type ActionOnFailure,
  DescribeStepCommand,
  ListStepsCommand,
  type Step,
  type StepConfig,
  type StepSummary,
} from "@aws-sdk/client-emr";
import type { EmrApi } from "./cluster";
import { CliError } from "./errors";
import { formatDuration } from "./output";
import { type FollowOptions, followUntilEnded } from "./poll";

export const ACTIONS_ON_FAILURE = ["CONTINUE", "CANCEL_AND_WAIT", "TERMINATE_CLUSTER"] as const satisfies readonly ActionOnFailure[];

export interface SparkSubmitStep {
  name: string;
  entryUri: string;
  pyFilesUri: string;
  jobArgs: readonly string[];
  actionOnFailure: ActionOnFailure;
}

/** `command-runner.jar spark-submit --deploy-mode cluster --py-files <zip> <entry> <job args…>`. */
export function sparkSubmitStep(step: SparkSubmitStep): StepConfig {
  return {
    Name: step.name,
    ActionOnFailure: step.actionOnFailure,
    HadoopJarStep: {
      Jar: "command-runner.jar",
      Args: ["spark-submit", "--deploy-mode", "cluster", "--py-files", step.pyFilesUri, step.entryUri, ...step.jobArgs],
    },
  };
}

export async function addStep(emr: EmrApi, clusterId: string, step: StepConfig): Promise<string> {
  const { StepIds } = await emr.send(new AddJobFlowStepsCommand({ JobFlowId: clusterId, Steps: [step] }));
  const id = StepIds?.[0];
  if (!id) throw new CliError(`EMR accepted the step on ${clusterId} but returned no step id`);
  return id;
}

export type StepVerdict = { kind: "completed" } | { kind: "pending" } | { kind: "failed"; message: string };

export function classifyStep(step: Step): StepVerdict {
  const state = step.Status?.State ?? "UNKNOWN";
  if (state === "COMPLETED") return { kind: "completed" };
  if (state === "PENDING" || state === "RUNNING" || state === "CANCEL_PENDING") return { kind: "pending" };
  const failure = step.Status?.FailureDetails;
  const reason = [failure?.Reason, failure?.Message].filter(Boolean).join(": ") || step.Status?.StateChangeReason?.Message || "no reason given";
  return { kind: "failed", message: `step ${step.Id} (${step.Name}) is ${state}: ${reason}` };
}

export type StepWaitOptions = FollowOptions;

/** Polls DescribeStep until the step ends; returns the final step whatever its state. */
export async function waitForStep(emr: EmrApi, clusterId: string, stepId: string, options: StepWaitOptions): Promise<Step> {
  return followUntilEnded(
    { noun: "step", id: stepId, host: clusterId },
    async (abortSignal) => {
      const { Step: step } = await emr.send(new DescribeStepCommand({ ClusterId: clusterId, StepId: stepId }), { abortSignal });
      if (!step) throw new CliError(`step ${stepId} not found on ${clusterId}`);
      return { state: step.Status?.State ?? "UNKNOWN", ended: classifyStep(step).kind !== "pending", value: step };
    },
    options,
  );
}

export async function listRecentSteps(emr: EmrApi, clusterId: string, limit: number): Promise<StepSummary[]> {
  const steps: StepSummary[] = [];
  let marker: string | undefined;
  do {
    const page = await emr.send(new ListStepsCommand({ ClusterId: clusterId, Marker: marker }));
    steps.push(...(page.Steps ?? []));
    marker = page.Marker;
  } while (marker && steps.length < limit);
  return steps.slice(0, limit);
}

/** Start to end, or start to now while it runs; undefined before it starts. */
export function stepDurationMs(step: Pick<StepSummary, "Status">, now: number): number | undefined {
  const timeline = step.Status?.Timeline;
  if (!timeline?.StartDateTime) return undefined;
  const end = timeline.EndDateTime?.getTime() ?? now;
  return Math.max(0, end - timeline.StartDateTime.getTime());
}

export function stepRow(step: StepSummary, now: number): string[] {
  const duration = stepDurationMs(step, now);
  const created = step.Status?.Timeline?.CreationDateTime?.toISOString().replace(/\.\d{3}Z$/, "Z") ?? "-";
  return [step.Id ?? "-", step.Status?.State ?? "-", duration === undefined ? "-" : formatDuration(duration), created, step.Name ?? ""];
}

/** Sortable, S3-safe run id: 20261122T031500Z-1a2b. */
export function newRunId(date = new Date(), random = Math.random): string {
  const stamp = date.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "Z");
  return `${stamp}-${Math.floor(random() * 0x10000).toString(16).padStart(4, "0")}`;
}
