/**
 * State machines created directly in moto, standing in for what the stack deploys, plus the switch that makes moto
 * execute them (POST /moto-api/config {"stepfunctions": {"execute_state_machine": true}}; without it executions stay
 * RUNNING forever). Definitions use states moto runs: Pass, Choice, Wait, Fail, Succeed and aws-sdk:emr tasks.
 */
import { CreateStateMachineCommand, type SFNClient } from "@aws-sdk/client-sfn";

export async function enableExecution(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint.replace("localhost", "127.0.0.1")}/moto-api/config`, {
    method: "POST",
    body: JSON.stringify({ stepfunctions: { execute_state_machine: true } }),
  });
  if (!response.ok) throw new Error(`moto refused the stepfunctions config: HTTP ${response.status}`);
}

export async function createStateMachine(sfn: SFNClient, name: string, definition: object): Promise<string> {
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: "arn:aws:iam::123456789012:role/emr-platform-local-pipeline" }),
  );
  return stateMachineArn!;
}

/** validate → gate → process → done; the gate fails the run (a Fail state) for the logical date `failOn`. */
export function gatedPipeline(failOn: string): object {
  return {
    StartAt: "validate",
    States: {
      validate: { Type: "Pass", Next: "gate" },
      gate: { Type: "Choice", Choices: [{ Variable: "$.date", StringEquals: failOn, Next: "QualityGateFailed" }], Default: "process" },
      process: { Type: "Pass", Next: "done" },
      done: { Type: "Succeed" },
      QualityGateFailed: { Type: "Fail", Error: "QualityGateFailed", Cause: "data_quality found violations above the threshold" },
    },
  };
}

/**
 * A step whose EMR call fails (unknown cluster), retried once, caught into cleanup and a Fail state. describeCluster:
 * moto 5.2.5 turns its error into a catchable task failure, while a failing addJobFlowSteps or terminateJobFlows ends
 * the execution with an uncatchable States.Runtime (KeyError('RequestId')).
 */
export function failingTaskPipeline(): object {
  return {
    StartAt: "process",
    States: {
      process: {
        Type: "Task",
        Resource: "arn:aws:states:::aws-sdk:emr:describeCluster",
        Parameters: { ClusterId: "j-DOESNOTEXIST" },
        Retry: [{ ErrorEquals: ["States.ALL"], MaxAttempts: 1, IntervalSeconds: 1, BackoffRate: 1 }],
        Catch: [{ ErrorEquals: ["States.ALL"], Next: "cleanup" }],
        End: true,
      },
      cleanup: { Type: "Pass", Next: "PipelineFailed" },
      PipelineFailed: { Type: "Fail", Error: "PipelineFailed", Cause: "a step failed" },
    },
  };
}

/** Waits `seconds` in a state named hold: long enough to watch or interrupt. */
export function waitingPipeline(seconds: number): object {
  return { StartAt: "hold", States: { hold: { Type: "Wait", Seconds: seconds, Next: "done" }, done: { Type: "Succeed" } } };
}
