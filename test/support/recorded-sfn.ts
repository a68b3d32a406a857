/**
 * Step Functions answers moto cannot produce: an execution of a transient pipeline whose `elasticmapreduce:addStep.sync`
 * task failed (moto does not run the optimized EMR integrations). Event shapes follow GetExecutionHistory as the SDK
 * deserialises it (Dates): TaskScheduled names resourceType "elasticmapreduce" and resource "addStep.sync" with the
 * resolved parameters; the `.sync` failure's cause is the step as DescribeStep describes it (Id, Status.FailureDetails).
 */
import type { HistoryEvent, SFNClient } from "@aws-sdk/client-sfn";
import { recordedEmr } from "./recorded-emr";

/** Same mechanics as recordedEmr (answers by command class name, calls recorded), typed as an SFN client. */
export function recordedSfn(handlers: Record<string, unknown[]>): { client: SFNClient; calls: { command: string; input: Record<string, unknown> }[] } {
  const recorded = recordedEmr(handlers);
  return { client: recorded.client as unknown as SFNClient, calls: recorded.calls };
}

const ARN = "arn:aws:states:us-east-1:123456789012:execution:emr-platform-local-financialDaily:cli-2026-01-12-rec";
const at = (seconds: number) => new Date(Date.parse("2026-01-12T02:00:00Z") + seconds * 1000);
const CLUSTER = "j-1K48XXXXXXHCB";
const STEP = "s-2M3XXXXXXXXXX";

export const ADD_STEP_FAILED_EXECUTION = {
  executionArn: ARN,
  stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:emr-platform-local-financialDaily",
  name: "cli-2026-01-12-rec",
  status: "FAILED",
  startDate: at(0),
  stopDate: at(1260),
  input: JSON.stringify({ date: "2026-01-12" }),
  error: "PipelineFailed",
  cause: "a step failed; the cluster was terminated",
};

const failedStep = {
  ActionOnFailure: "CONTINUE",
  Config: { Args: ["spark-submit", "--deploy-mode", "cluster"], Jar: "command-runner.jar", Properties: {} },
  Id: STEP,
  Name: "process",
  Status: {
    FailureDetails: { Reason: "Unknown Error." },
    State: "FAILED",
    StateChangeReason: {},
    Timeline: { CreationDateTime: 1768183620000, EndDateTime: 1768184160000, StartDateTime: 1768183630000 },
  },
};

const entered = (id: number, previous: number, type: string, name: string, seconds: number): HistoryEvent => ({
  id,
  previousEventId: previous,
  type: type as HistoryEvent["type"],
  timestamp: at(seconds),
  stateEnteredEventDetails: { name, input: "{}" },
});
const exited = (id: number, previous: number, type: string, name: string, seconds: number): HistoryEvent => ({
  id,
  previousEventId: previous,
  type: type as HistoryEvent["type"],
  timestamp: at(seconds),
  stateExitedEventDetails: { name, output: "{}" },
});
const scheduled = (id: number, previous: number, resource: string, parameters: object, seconds: number): HistoryEvent => ({
  id,
  previousEventId: previous,
  type: "TaskScheduled",
  timestamp: at(seconds),
  taskScheduledEventDetails: { resourceType: "elasticmapreduce", resource, region: "us-east-1", parameters: JSON.stringify(parameters) },
});

export const ADD_STEP_FAILED_HISTORY: HistoryEvent[] = [
  { id: 1, previousEventId: 0, type: "ExecutionStarted", timestamp: at(0), executionStartedEventDetails: { input: "{}" } },
  entered(2, 0, "TaskStateEntered", "CreateCluster", 0),
  scheduled(3, 2, "createCluster.sync", { Name: "emr-platform-local-financialDaily" }, 0),
  { id: 4, previousEventId: 3, type: "TaskStarted", timestamp: at(1), taskStartedEventDetails: { resourceType: "elasticmapreduce", resource: "createCluster.sync" } },
  { id: 5, previousEventId: 4, type: "TaskSucceeded", timestamp: at(420), taskSucceededEventDetails: { resourceType: "elasticmapreduce", resource: "createCluster.sync", output: JSON.stringify({ ClusterId: CLUSTER }) } },
  exited(6, 5, "TaskStateExited", "CreateCluster", 420),
  entered(7, 6, "TaskStateEntered", "process", 420),
  scheduled(8, 7, "addStep.sync", { ClusterId: CLUSTER, Step: { Name: "process", ActionOnFailure: "CONTINUE" } }, 420),
  { id: 9, previousEventId: 8, type: "TaskStarted", timestamp: at(421), taskStartedEventDetails: { resourceType: "elasticmapreduce", resource: "addStep.sync" } },
  {
    id: 10,
    previousEventId: 9,
    type: "TaskFailed",
    timestamp: at(960),
    taskFailedEventDetails: { resourceType: "elasticmapreduce", resource: "addStep.sync", error: "States.TaskFailed", cause: JSON.stringify(failedStep) },
  },
  exited(11, 10, "TaskStateExited", "process", 960),
  entered(12, 11, "TaskStateEntered", "TerminateCluster", 960),
  scheduled(13, 12, "terminateCluster.sync", { ClusterId: CLUSTER }, 960),
  { id: 14, previousEventId: 13, type: "TaskSucceeded", timestamp: at(1250), taskSucceededEventDetails: { resourceType: "elasticmapreduce", resource: "terminateCluster.sync", output: "{}" } },
  exited(15, 14, "TaskStateExited", "TerminateCluster", 1250),
  entered(16, 15, "FailStateEntered", "PipelineFailed", 1260),
  { id: 17, previousEventId: 16, type: "ExecutionFailed", timestamp: at(1260), executionFailedEventDetails: { error: "PipelineFailed", cause: "a step failed; the cluster was terminated" } },
];
