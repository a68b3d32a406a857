/**
 * Test-only rewrite of a generated definition so moto can execute it. moto runs Pass/Choice/Parallel/Retry/Catch,
 * sns:publish and aws-sdk:* tasks, but the optimized elasticmapreduce:* and emr-serverless:* integrations fail with an
 * uncatchable States.Runtime. Each EMR (or EMR Serverless job-run) task therefore becomes a Pass (success) or, for the states named in `fail`, a failing
 * aws-sdk:emr call that keeps the state's Retry and Catch (fault injection). Retry intervals shrink to 1 s.
 *
 * moto evaluates JSONata through jpype and a Java JSONata build, which this project does not install, so the two
 * JSONata states are rewritten too:
 * - DateFromSchedule: its own expression is evaluated here with the `jsonata` package (the JavaScript JSONata that
 *   asl-validator ships), with $states.context.Execution.StartTime = MOTO_START_TIME, and the result becomes a Pass;
 * - "Date valid?": a JSONPath Choice of the same shape (a string with two dashes and no T); the exact JSONata
 *   condition is tested on its own in test/pipeline/definitions.test.ts.
 */
import jsonata from "jsonata";
import { terraformRendered } from "../../contracts/terraform-literal";
import { STATE } from "../../modules/pipeline/asl-builder";

type State = Record<string, any>;
export interface RewriteOptions {
  /** State names whose EMR call fails (a DescribeCluster of a cluster moto does not know). */
  readonly fail?: readonly string[];
  /** State names that wait this many seconds instead (to keep an execution RUNNING). */
  readonly slow?: Readonly<Record<string, number>>;
  /** Terraform references → values, e.g. the topic ARN moto created. */
  readonly references?: (reference: string) => string;
}

/** Stands in for $$.Execution.StartTime under moto. */
export const MOTO_START_TIME = "2026-02-01T00:30:00.000Z";

const EMR = /^arn:aws:states:::(elasticmapreduce|emr-serverless):/;

async function rewriteState(name: string, state: State, options: RewriteOptions): Promise<State> {
  const flow = { ...(state.Next ? { Next: state.Next } : {}), ...(state.End ? { End: true } : {}) };
  const fastRetry = (state.Retry ?? []).map((r: State) => ({ ...r, IntervalSeconds: 1, BackoffRate: 1, JitterStrategy: "NONE" }));
  if (state.Type === "Task" && state.Resource === "arn:aws:states:::aws-sdk:sfn:listExecutions") {
    // moto's aws-sdk integration passes parameters to boto3 as written and returns boto3's keys, skipping the
    // PascalCase ⇄ camelCase mapping Step Functions applies to the (camelCase) SFN API: adapt both here.
    const p = state.Parameters;
    return {
      ...state,
      Parameters: { "stateMachineArn.$": p["StateMachineArn.$"], statusFilter: p.StatusFilter, maxResults: p.MaxResults },
      // moto keeps startDate as a Python datetime, which its States.JsonToString (the notification) cannot
      // serialize: the names stand in. The guard's Choice compares ARNs only.
      ResultSelector: { "arns.$": "$.executions[*].executionArn", "startDates.$": "$.executions[*].name" },
      Retry: fastRetry,
    };
  }
  if (state.Type === "Task" && state.Resource === "arn:aws:states:::aws-sdk:s3:getObject" && name.startsWith("Read ")) {
    // moto returns getObject's Body as a botocore StreamingBody, which no intrinsic reads. The test writes each
    // verdict object with its JSON also in the user metadata `verdict`, so a headObject of the same Bucket and
    // Key (a missing object still fails) reads it back from moto's S3.
    return { ...state, Resource: "arn:aws:states:::aws-sdk:s3:headObject", ResultSelector: { "verdict.$": "States.StringToJson($.Metadata.verdict)" }, Retry: fastRetry };
  }
  if (state.Type === "Task" && !EMR.test(state.Resource)) return { ...state, ...(state.Retry ? { Retry: fastRetry } : {}) };
  if (state.Type === "Parallel") {
    return { ...state, Branches: await Promise.all(state.Branches.map(async (b: State) => ({ ...b, States: await rewriteStates(b.States, options) }))) };
  }
  if (name === STATE.dateFromSchedule && state.QueryLanguage === "JSONata") {
    const expression = String(state.Output).replace(/^\{%|%\}$/g, "");
    const evaluated = await jsonata(expression).evaluate({}, { states: { input: {}, context: { Execution: { StartTime: MOTO_START_TIME } } } });
    return { Type: "Pass", Result: JSON.parse(JSON.stringify(evaluated.run)), ResultPath: "$.run", ...flow };
  }
  if (name === STATE.dateValid && state.QueryLanguage === "JSONata") {
    const date = "$.run.date";
    const shape = { And: [{ Variable: date, IsString: true }, { Variable: date, StringMatches: "*-*-*" }, { Not: { Variable: date, StringMatches: "*T*" } }] };
    return { Type: "Choice", Choices: [{ ...shape, Next: state.Choices[0].Next }], Default: state.Default };
  }
  if (state.Type !== "Task") return state;
  if (options.fail?.includes(name)) {
    // moto answers DescribeCluster of an unknown id with an error whose message names the id: the Cause carries it.
    return {
      Type: "Task",
      Resource: "arn:aws:states:::aws-sdk:emr:describeCluster",
      Parameters: { ClusterId: "j-INJECTEDFAULT" },
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

async function rewriteStates(states: Record<string, State>, options: RewriteOptions): Promise<Record<string, State>> {
  return Object.fromEntries(await Promise.all(Object.entries(states).map(async ([n, s]) => [n, await rewriteState(n, s, options)])));
}

/** The definition string (as synthesized) → a definition moto can run. */
export async function rewriteForMoto(definition: string, options: RewriteOptions = {}): Promise<string> {
  let text = terraformRendered(definition);
  if (options.references) text = text.replace(/\$\{[^}]+\}/g, options.references);
  const parsed = JSON.parse(text) as { States: Record<string, State> };
  return JSON.stringify({ ...parsed, States: await rewriteStates(parsed.States, options) });
}
