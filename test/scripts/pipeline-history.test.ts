// The pure parts of the pipeline commands: reading an execution history (states, attempts, the failing state, the EMR
// step behind it), the stack's pipelines output, execution names and ARNs, and the --date check.
import type { HistoryEvent } from "@aws-sdk/client-sfn";
import { parseLogicalDate } from "../../scripts/commands/pipeline";
import { checkExecutionArgument, executionArnFor, executionName } from "../../scripts/lib/pipeline-executions";
import { currentState, emrStepOf, failingState, stateDurationMs, stateRuns, type StateRun } from "../../scripts/lib/pipeline-history";
import { findPipeline, parsePipelines, pipelineFromArn } from "../../scripts/lib/pipeline-outputs";
import { causeSummary, executionOutcome, logicalDate } from "../../scripts/lib/pipeline-report";
import { ADD_STEP_FAILED_HISTORY } from "../support/recorded-sfn";

const t = (s: number) => new Date(Date.UTC(2026, 0, 12, 2, 0, s));
let nextId = 0;
/** A history built event by event; each event follows the previous one (previousEventId), as in one branch. */
function history(...events: Omit<HistoryEvent, "id" | "previousEventId" | "timestamp">[]): HistoryEvent[] {
  nextId = 0;
  return events.map((e, i) => ({ ...e, id: ++nextId, previousEventId: i, timestamp: t(i * 10) }) as HistoryEvent);
}
const enter = (type: string, name: string) => ({ type: `${type}StateEntered`, stateEnteredEventDetails: { name } }) as HistoryEvent;
const exit = (type: string, name: string) => ({ type: `${type}StateExited`, stateExitedEventDetails: { name } }) as HistoryEvent;
const scheduled = (resourceType = "aws-sdk:emr", resource = "describeCluster", parameters = "{}") => ({ type: "TaskScheduled", taskScheduledEventDetails: { resourceType, resource, region: "us-east-1", parameters } }) as HistoryEvent;
const failed = (error: string, cause = "") => ({ type: "TaskFailed", taskFailedEventDetails: { error, cause } }) as HistoryEvent;
const succeeded = { type: "TaskSucceeded", taskSucceededEventDetails: { output: "{}" } } as HistoryEvent;
const summary = (runs: StateRun[]) => runs.map((r) => `${r.name}:${r.outcome}:${r.attempts}`);

describe("stateRuns and failingState", () => {
  it("reads a transient pipeline whose addStep failed: the step is the failing state, with its cluster and step", () => {
    const runs = stateRuns(ADD_STEP_FAILED_HISTORY);
    expect(summary(runs)).toEqual(["CreateCluster:succeeded:1", "process:caught:1", "TerminateCluster:succeeded:1", "PipelineFailed:failed:0"]);
    expect(stateDurationMs(runs[0], 0)).toBe(420_000);
    const failing = failingState(runs)!;
    expect(failing.name).toBe("process");
    expect(failing.error).toBe("States.TaskFailed");
    expect(emrStepOf(failing)).toEqual({ clusterId: "j-1K48XXXXXXHCB", stepId: "s-2M3XXXXXXXXXX", logFile: undefined });
  });

  it("a task that succeeds on retry counts two attempts and is not a failure", () => {
    const runs = stateRuns(history(enter("Task", "process"), scheduled(), failed("States.Timeout"), scheduled(), succeeded, exit("Task", "process"), enter("Succeed", "done")));
    expect(summary(runs)).toEqual(["process:succeeded:2", "done:running:0"]);
    expect(runs[0].error).toBeUndefined();
    expect(failingState(runs)).toBeUndefined();
  });

  it("an uncaught failure inside a Parallel branch names the task, not the Parallel state", () => {
    const runs = stateRuns(
      history(
        { type: "ExecutionStarted" } as HistoryEvent,
        enter("Parallel", "process-all"),
        enter("Task", "financial"),
        scheduled(),
        failed("emr.InvalidRequestException", "Cluster id 'j-X' is not valid."),
        { type: "ParallelStateFailed" } as HistoryEvent,
        { type: "ExecutionFailed", executionFailedEventDetails: { error: "emr.InvalidRequestException" } } as HistoryEvent,
      ),
    );
    expect(summary(runs)).toEqual(["process-all:failed:0", "financial:failed:1"]);
    expect(failingState(runs)!.name).toBe("financial");
    expect(failingState(runs)!.cause).toBe("Cluster id 'j-X' is not valid.");
  });

  it("a timed-out execution points at the state that was running; an aborted one too", () => {
    const timedOut = stateRuns(history(enter("Pass", "validate"), exit("Pass", "validate"), enter("Task", "process"), scheduled(), { type: "ExecutionTimedOut", executionTimedOutEventDetails: { error: "States.Timeout" } } as HistoryEvent));
    expect(summary(timedOut)).toEqual(["validate:succeeded:0", "process:timed out:1"]);
    expect(failingState(timedOut)).toMatchObject({ name: "process", error: "States.Timeout" });

    const aborted = stateRuns(history(enter("Wait", "hold"), { type: "ExecutionAborted", executionAbortedEventDetails: {} } as HistoryEvent));
    expect(failingState(aborted)).toMatchObject({ name: "hold", outcome: "aborted" });
  });

  it("a Fail state reached through a Choice is the failing state, with the execution's error", () => {
    const runs = stateRuns(history(enter("Choice", "gate"), exit("Choice", "gate"), enter("Fail", "QualityGateFailed"), { type: "ExecutionFailed", executionFailedEventDetails: { error: "QualityGateFailed", cause: "violations" } } as HistoryEvent));
    expect(failingState(runs)).toMatchObject({ name: "QualityGateFailed", error: "QualityGateFailed", cause: "violations" });
  });

  it("the current state of a running execution is the newest open one", () => {
    const runs = stateRuns(history(enter("Pass", "validate"), exit("Pass", "validate"), enter("Task", "process"), scheduled()));
    expect(currentState(runs)?.name).toBe("process");
    expect(stateDurationMs(runs[1], t(60).getTime())).toBe(40_000);
  });

  it("repeated state names (Map iterations) close in entry order", () => {
    const runs = stateRuns(history(enter("Pass", "each"), enter("Pass", "each"), exit("Pass", "each"), exit("Pass", "each")));
    expect(runs.map((r) => r.outcome)).toEqual(["succeeded", "succeeded"]);
    expect(runs[0].exitedAt!.getTime() - runs[0].enteredAt.getTime()).toBe(20_000);
  });
});

describe("emrStepOf", () => {
  const run = (resource: string, parameters: object, cause: object | string): StateRun => ({
    name: "process",
    type: "Task",
    enteredAt: t(0),
    outcome: "caught",
    attempts: 1,
    resource,
    parameters: JSON.stringify(parameters),
    error: "States.TaskFailed",
    cause: typeof cause === "string" ? cause : JSON.stringify(cause),
  });

  it.each([
    ["the step as DescribeStep describes it", { Id: "s-1", Status: { State: "FAILED", FailureDetails: { LogFile: "s3://logs/emr/j-1/steps/s-1/" } } }, { clusterId: "j-1", stepId: "s-1", logFile: "s3://logs/emr/j-1/steps/s-1/" }],
    ["the Step wrapper", { Step: { Id: "s-2", Status: { State: "FAILED" } } }, { clusterId: "j-1", stepId: "s-2", logFile: undefined }],
    ["a bare StepId", { StepId: "s-3" }, { clusterId: "j-1", stepId: "s-3", logFile: undefined }],
    ["a cause that is not JSON", "Step failed", { clusterId: "j-1", stepId: undefined, logFile: undefined }],
  ])("reads %s", (_label, cause, expected) => {
    expect(emrStepOf(run("elasticmapreduce:addStep.sync", { ClusterId: "j-1" }, cause))).toEqual(expected);
  });

  it("ignores tasks that are not EMR steps", () => {
    expect(emrStepOf(run("aws-sdk:emr:describeCluster", { ClusterId: "j-1" }, { Id: "s-1" }))).toBeUndefined();
    expect(emrStepOf(run("sns:publish", {}, {}))).toBeUndefined();
  });
});

describe("the stack's pipelines output", () => {
  const arn = "arn:aws:states:eu-west-1:123456789012:stateMachine:emr-platform-dev-financialDaily";

  it("parses the JSON-encoded map, sorted by name", () => {
    const parsed = parsePipelines(
      JSON.stringify({
        z: { stateMachineArn: arn, runtime: "cluster", schedule: null, trigger: null, steps: ["a"] },
        financialDaily: { stateMachineArn: arn, runtime: "transient", schedule: { cron: "0 2 * * ? *", timezone: "Europe/London" }, trigger: { prefix: "raw/", marker: "_SUCCESS" }, steps: [] },
      }),
    );
    expect(parsed.map((p) => p.name)).toEqual(["financialDaily", "z"]);
    expect(parsed[0].schedule).toEqual({ cron: "0 2 * * ? *", timezone: "Europe/London" });
  });

  it.each([
    ["not JSON", "{", "the stack's pipelines output is not JSON; fix: redeploy the environment (npm run deploy -- <env>)"],
    ["a wrong runtime", JSON.stringify({ p: { stateMachineArn: arn, runtime: "lambda", steps: [] } }), /^the stack's pipelines output is malformed at p\.runtime: /],
    ["missing steps", JSON.stringify({ p: { stateMachineArn: arn, runtime: "cluster" } }), /^the stack's pipelines output is malformed at p\.steps: /],
    ["a list instead of a map", "[]", /^the stack's pipelines output is malformed at \(root\): /],
  ])("rejects %s with one line", (_label, json, message) => {
    expect(() => parsePipelines(json)).toThrow(message);
  });

  it("finds a pipeline by name, or lists the names", () => {
    const all = parsePipelines(JSON.stringify({ a: { stateMachineArn: arn, runtime: "cluster", steps: [] }, b: { stateMachineArn: arn, runtime: "cluster", steps: [] } }));
    expect(findPipeline("dev", all, "b").name).toBe("b");
    expect(() => findPipeline("dev", all, "c")).toThrow('unknown pipeline "c" in dev; fix: one of a, b');
    expect(() => findPipeline("dev", [], "c")).toThrow("dev runs no pipelines; fix: enable one in environments/dev.ts and deploy");
  });

  it("tells a pipeline declared but not enabled in the environment from one enabled but not deployed", () => {
    const all = parsePipelines(JSON.stringify({ financialDaily: { stateMachineArn: arn, runtime: "transient", steps: [] } }));
    expect(() => findPipeline("local", all, "smokeNightly", { pipelines: { financialDaily: {} } as never })).toThrow(
      "local does not run smokeNightly (declared in environments/pipelines.ts, not enabled here); fix: add it to pipelines in environments/local.ts and deploy",
    );
    expect(() => findPipeline("dev", all, "smokeNightly", { pipelines: { smokeNightly: {} } as never })).toThrow(
      "smokeNightly is enabled in environments/dev.ts but the stack's outputs do not name it (deployed before it was enabled?); fix: npm run deploy -- dev",
    );
  });

  const dev = { project: "emr-platform", name: "dev" as const, region: "eu-west-1", accountId: undefined as string | undefined };

  it("--state-machine-arn must be a state machine ARN, without whitespace, quoted in the error", () => {
    expect(pipelineFromArn(arn, "adhoc", dev)).toEqual({ name: "adhoc", stateMachineArn: arn });
    expect(() => pipelineFromArn("arn:aws:states:eu-west-1:123456789012:execution:x:y", "adhoc", dev)).toThrow(/is not a state machine ARN/);
    expect(() => pipelineFromArn(`${arn} `, "adhoc", dev)).toThrow(`--state-machine-arn "${arn} " is not a state machine ARN (it contains whitespace); fix: arn:aws:states:<region>:<account>:stateMachine:<name>`);
  });

  it("--state-machine-arn of another environment, region or account is refused unless --force", () => {
    const prod = "arn:aws:states:eu-west-1:123456789012:stateMachine:emr-platform-prod-financial-daily";
    expect(() => pipelineFromArn(prod, "financialDaily", dev)).toThrow(
      `--state-machine-arn "${prod}" is not a state machine of dev: its name emr-platform-prod-financial-daily does not start with emr-platform-dev-; nothing was done. fix: pass dev's ARN (npm run emr -- pipeline list dev), or --force to use it anyway`,
    );
    expect(() => pipelineFromArn(arn.replace("eu-west-1", "us-east-1"), "financialDaily", dev)).toThrow(/: its region us-east-1 is not dev's eu-west-1;/);
    expect(() => pipelineFromArn(arn, "financialDaily", { ...dev, accountId: "210987654321" })).toThrow(/: its account 123456789012 is not dev's 210987654321;/);
    expect(pipelineFromArn(prod, "financialDaily", dev, true)).toEqual({ name: "financialDaily", stateMachineArn: prod });
  });
});

describe("status's execution argument", () => {
  const own = { name: "fdOk", stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:emr-platform-local-fd-ok" };
  const hints = {
    listThem: "npm run emr -- pipeline history local fdOk",
    statusOf: (p: string, e: string) => `npm run emr -- pipeline status local ${p} ${e}`,
    otherPipeline: async (machine: string) => (machine === "emr-platform-local-fd-fail" ? "fdFail" : undefined),
  };

  it("passes a name or this pipeline's execution ARN through", async () => {
    await expect(checkExecutionArgument("cli-2026-01-12-x", own, hints)).resolves.toBe("cli-2026-01-12-x");
    const mine = "arn:aws:states:us-east-1:123456789012:execution:emr-platform-local-fd-ok:cli-2026-01-12-x";
    await expect(checkExecutionArgument(mine, own, hints)).resolves.toBe(mine);
  });

  it.each([
    ["empty", "", "the execution argument is empty (an unset variable?); fix: an execution name from npm run emr -- pipeline history local fdOk, or leave it out for the latest"],
    ["a malformed ARN", "arn:nonsense", '"arn:nonsense" is not an execution name or ARN; fix: a name from npm run emr -- pipeline history local fdOk'],
    ["a name with a space", "cli-1 ", '"cli-1 " is not an execution name or ARN; fix: a name from npm run emr -- pipeline history local fdOk'],
    [
      "another pipeline's execution",
      "arn:aws:states:us-east-1:123456789012:execution:emr-platform-local-fd-fail:cli-2026-01-12-x",
      "execution cli-2026-01-12-x belongs to emr-platform-local-fd-fail, not fdOk (emr-platform-local-fd-ok); fix: npm run emr -- pipeline status local fdFail cli-2026-01-12-x",
    ],
  ])("refuses %s before any call", async (_label, argument, message) => {
    await expect(checkExecutionArgument(argument, own, hints)).rejects.toThrow(message);
  });
});

describe("executionOutcome", () => {
  it.each([
    ["SUCCEEDED", { status: "SUCCEEDED", output: '{"status":"SUCCEEDED","run":{"date":"2026-01-12"}}' }, { kind: "succeeded" }],
    ["a definition without output status", { status: "SUCCEEDED", output: '{"date":"2026-01-12"}' }, { kind: "succeeded" }],
    ["ALREADY_RUNNING", { status: "SUCCEEDED", output: '{"status":"ALREADY_RUNNING","message":"another execution is running"}' }, { kind: "ended", status: "ALREADY_RUNNING", reason: "another execution is running" }],
    [
      "GATE_STOPPED with its verdict",
      { status: "SUCCEEDED", output: JSON.stringify({ status: "GATE_STOPPED", verdict: { verdict: "stop", job: "data_quality", reason: "3 of 8 rows break close > 0" } }) },
      { kind: "ended", status: "GATE_STOPPED", reason: "data_quality: 3 of 8 rows break close > 0" },
    ],
    ["FAILED", { status: "FAILED", output: undefined }, { kind: "failed" }],
  ])("%s", (_label, execution, expected) => {
    expect(executionOutcome(execution as never)).toEqual(expected);
  });
});

describe("names, dates and causes", () => {
  it("derives an execution's ARN from its state machine's, and passes an ARN through", () => {
    const sm = "arn:aws:states:eu-west-1:123456789012:stateMachine:emr-platform-dev-financialDaily";
    expect(executionArnFor(sm, "cli-2026-01-12-x")).toBe("arn:aws:states:eu-west-1:123456789012:execution:emr-platform-dev-financialDaily:cli-2026-01-12-x");
    expect(executionArnFor(sm, "arn:aws:states:eu-west-1:1:execution:a:b")).toBe("arn:aws:states:eu-west-1:1:execution:a:b");
  });

  it("names executions within 80 characters of letters, digits, - and _", () => {
    expect(executionName("2026-01-12", "20260112T020000Z-1a2b")).toBe("cli-2026-01-12-20260112T020000Z-1a2b");
    const long = executionName("2026-01-12", "x".repeat(100) + ":/");
    expect(long).toHaveLength(80);
    expect(long).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([["2024-02-29", true], ["2026-02-29", false], ["2026-13-01", false], ["2026-1-5", false], ["yesterday", false]])("--date %s valid: %s", (value, valid) => {
    if (valid) expect(parseLogicalDate(value)).toBe(value);
    else expect(() => parseLogicalDate(value)).toThrow("must be a calendar date, YYYY-MM-DD");
  });

  it("reads the logical date from an execution's input", () => {
    expect(logicalDate('{"date":"2026-01-12","artifacts":{}}')).toBe("2026-01-12");
    expect(logicalDate('{"bucket":"x"}')).toBeUndefined();
    expect(logicalDate(undefined)).toBeUndefined();
  });

  it("summarises a cause: EMR's failure details for a step, else the first line, shortened", () => {
    expect(causeSummary(JSON.stringify({ Id: "s-1", Status: { State: "FAILED", FailureDetails: { Reason: "Unknown Error.", Message: "Exception in thread main" } } }))).toBe(
      "step s-1 FAILED: Unknown Error.: Exception in thread main",
    );
    expect(causeSummary("\nfirst\nsecond")).toBe("first");
    expect(causeSummary("x".repeat(400))).toHaveLength(300);
    expect(causeSummary(undefined)).toBeUndefined();
  });
});
