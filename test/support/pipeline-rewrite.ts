/**
 * Test-only rewrite of a generated definition so moto can execute it. moto runs Pass/Choice/Parallel/Retry/Catch,
 * sns:publish and aws-sdk:* tasks, but the optimized elasticmapreduce:* integrations fail with an uncatchable
 * States.Runtime. Each EMR task therefore becomes a Pass (success) or, for the states named in `fail`, a failing
 * aws-sdk:emr call that keeps the state's Retry and Catch (fault injection). Retry intervals shrink to 1 s.
 */
import { terraformRendered } from "../../modules/core/terraform-literal";

type State = Record<string, any>;
export interface RewriteOptions {
  /** State names whose EMR call fails (a DescribeCluster of a cluster moto does not know). */
  readonly fail?: readonly string[];
  /** State names whose failure Cause reads like a quality gate's exit 2 (see GATE_EXIT_PATTERNS). */
  readonly gateExit?: readonly string[];
  /** State names that wait this many seconds instead (to keep an execution RUNNING). */
  readonly slow?: Readonly<Record<string, number>>;
  /** Terraform references → values, e.g. the topic ARN moto created. */
  readonly references?: (reference: string) => string;
}

/** Stands in for $$.Execution.StartTime under moto. */
export const MOTO_START_TIME = "2026-02-01T00:30:00.000Z";

const EMR = /^arn:aws:states:::elasticmapreduce:/;

function rewriteState(name: string, state: State, options: RewriteOptions): State {
  const flow = { ...(state.Next ? { Next: state.Next } : {}), ...(state.End ? { End: true } : {}) };
  const fastRetry = (state.Retry ?? []).map((r: State) => ({ ...r, IntervalSeconds: 1, BackoffRate: 1, JitterStrategy: "NONE" }));
  if (state.Type === "Task" && state.Resource === "arn:aws:states:::aws-sdk:sfn:listExecutions") {
    // moto's aws-sdk integration passes parameters to boto3 as written and returns boto3's keys, skipping the
    // PascalCase ⇄ camelCase mapping Step Functions applies to the (camelCase) SFN API: adapt both here.
    const p = state.Parameters;
    return {
      ...state,
      Parameters: { "stateMachineArn.$": p["StateMachineArn.$"], statusFilter: p.StatusFilter, maxResults: p.MaxResults },
      ResultSelector: { "running.$": "$.executions[*].executionArn" },
      Retry: fastRetry,
    };
  }
  if (state.Type === "Task" && !EMR.test(state.Resource)) return { ...state, ...(state.Retry ? { Retry: fastRetry } : {}) };
  if (state.Type === "Parallel") {
    return { ...state, Branches: state.Branches.map((b: State) => ({ ...b, States: rewriteStates(b.States, options) })) };
  }
  if (state.Type === "Pass" && String(state.Parameters?.["date.$"]).includes("$$.Execution.StartTime")) {
    // moto's context object holds the start time as a Python datetime (AWS: an ISO-8601 string) that no intrinsic
    // accepts, so a fixed ISO string stands in for it; the same split runs on it.
    const expression = String(state.Parameters["date.$"]).replace("$$.Execution.StartTime", `'${MOTO_START_TIME}'`);
    return { ...state, Parameters: { "date.$": expression } };
  }
  if (state.Type !== "Task") return state;
  if (options.fail?.includes(name) || options.gateExit?.includes(name)) {
    // moto answers DescribeCluster of an unknown id with an error whose message names the id: the Cause carries it.
    const clusterId = options.gateExit?.includes(name) ? "exit code 2 (injected gate failure)" : "j-INJECTEDFAULT";
    return {
      Type: "Task",
      Resource: "arn:aws:states:::aws-sdk:emr:describeCluster",
      Parameters: { ClusterId: clusterId },
      ResultPath: state.ResultPath ?? "$",
      Retry: fastRetry,
      ...(state.Catch ? { Catch: state.Catch } : {}),
      ...flow,
    };
  }
  if (options.slow?.[name] !== undefined) return { Type: "Wait", Seconds: options.slow[name], ...flow };
  const result = state.Resource.includes("createCluster") ? { Result: { clusterId: "j-TESTCLUSTER" } } : {};
  return { Type: "Pass", ...result, ResultPath: state.ResultPath === undefined ? "$" : state.ResultPath, ...flow };
}

function rewriteStates(states: Record<string, State>, options: RewriteOptions): Record<string, State> {
  return Object.fromEntries(Object.entries(states).map(([n, s]) => [n, rewriteState(n, s, options)]));
}

/** The definition string (as synthesized) → a definition moto can run. */
export function rewriteForMoto(definition: string, options: RewriteOptions = {}): string {
  let text = terraformRendered(definition);
  if (options.references) text = text.replace(/\$\{[^}]+\}/g, options.references);
  const parsed = JSON.parse(text) as { States: Record<string, State> };
  return JSON.stringify({ ...parsed, States: rewriteStates(parsed.States, options) });
}
