/**
 * Runs a States Language definition (https://states-language.net/spec.html) on this machine. The interpreter knows
 * the flow (Task, Pass, Choice, Wait, Parallel, Map, Succeed, Fail), input/output processing, Retry and Catch;
 * what a Task does is the TaskHandler's business (tasks.ts maps resources to local actions). Retries are counted,
 * never slept; Wait states are recorded, never waited. A construct it does not know ends the run with one line
 * naming the state and the construct.
 */
import { evaluateRule } from "./choice";
import { errorMatches, type Json, runtimeError, StatesError } from "./errors";
import { evaluateJsonata, type JsonataScope } from "./jsonata-states";
import { applyTemplate, placeResult, selectPath } from "./payload";

export type StateDef = Record<string, Json>;
export interface Definition {
  StartAt: string;
  States: Record<string, StateDef>;
  QueryLanguage?: string;
  Comment?: string;
  TimeoutSeconds?: number;
  Version?: string;
}

export interface TaskCall {
  /** The Task state's name (within its branch). */
  readonly state: string;
  readonly resource: string;
  readonly parameters: Json;
  /** 1 for the first attempt, 2 for the first retry, … */
  readonly attempt: number;
  readonly context: Json;
}
export type TaskHandler = (call: TaskCall) => Promise<Json>;

export type EventType = "StateEntered" | "StateExited" | "TaskFailed" | "RetryScheduled" | "ErrorCaught" | "WaitSkipped" | "ExecutionSucceeded" | "ExecutionFailed";
export interface HistoryEvent {
  readonly type: EventType;
  readonly state?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly detail?: Json;
}

export interface ExecutionContext {
  readonly executionName: string;
  readonly stateMachineArn: string;
  readonly startTime: string;
  readonly roleArn?: string;
}

export interface ExecutionResult {
  readonly status: "SUCCEEDED" | "FAILED";
  readonly output?: Json;
  readonly error?: string;
  readonly cause?: string;
  readonly events: HistoryEvent[];
}

const COMMON = ["Type", "Comment", "Next", "End", "QueryLanguage"];
const IO = ["InputPath", "OutputPath", "Output", "Assign"];
const RESULT = ["ResultPath", "ResultSelector", "Parameters", "Arguments"];
const ERRORS = ["Retry", "Catch"];
const FIELDS: Record<string, string[]> = {
  Task: [...COMMON, ...IO, ...RESULT, ...ERRORS, "Resource", "TimeoutSeconds", "HeartbeatSeconds", "TimeoutSecondsPath", "HeartbeatSecondsPath"],
  Pass: [...COMMON, ...IO, "Result", "ResultPath", "Parameters"],
  Choice: ["Type", "Comment", "QueryLanguage", "Choices", "Default", ...IO],
  Wait: [...COMMON, ...IO, "Seconds", "Timestamp", "SecondsPath", "TimestampPath"],
  Succeed: ["Type", "Comment", "QueryLanguage", "InputPath", "OutputPath", "Output"],
  Fail: ["Type", "Comment", "QueryLanguage", "Error", "Cause", "ErrorPath", "CausePath"],
  Parallel: [...COMMON, ...IO, ...RESULT, ...ERRORS, "Branches"],
  Map: [...COMMON, ...IO, ...RESULT, ...ERRORS, "Iterator", "ItemProcessor", "ItemsPath", "Items", "ItemSelector", "MaxConcurrency", "MaxConcurrencyPath", "Label"],
};
const RETRIER_FIELDS = ["ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment"];

interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
}
interface Catcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
  Output?: Json;
  Assign?: Json;
}

export class Interpreter {
  readonly events: HistoryEvent[] = [];
  private readonly variables: Record<string, Json> = {};

  constructor(
    private readonly definition: Definition,
    private readonly handler: TaskHandler,
    private readonly execution: ExecutionContext,
    private readonly onEvent: (event: HistoryEvent) => void = () => {},
  ) {}

  async run(input: Json): Promise<ExecutionResult> {
    const context = {
      Execution: { Id: `${this.execution.stateMachineArn.replace(":stateMachine:", ":execution:")}:${this.execution.executionName}`, Name: this.execution.executionName, StartTime: this.execution.startTime, Input: input, RoleArn: this.execution.roleArn ?? "arn:aws:iam::000000000000:role/local" },
      StateMachine: { Id: this.execution.stateMachineArn, Name: this.execution.stateMachineArn.split(":").pop() ?? "" },
    };
    try {
      const output = await this.runMachine(this.definition, input, context, this.definition.QueryLanguage ?? "JSONPath");
      this.record({ type: "ExecutionSucceeded", detail: output });
      return { status: "SUCCEEDED", output, events: this.events };
    } catch (err) {
      const e = err instanceof StatesError ? err : new StatesError("States.Runtime", (err as Error).stack ?? String(err));
      this.record({ type: "ExecutionFailed", error: e.error, cause: e.cause });
      return { status: "FAILED", error: e.error, cause: e.cause, events: this.events };
    }
  }

  private record(event: HistoryEvent): void {
    this.events.push(event);
    this.onEvent(event);
  }

  /** Runs a machine or a branch from StartAt to its end; throws StatesError when it fails. */
  private async runMachine(machine: { StartAt: string; States: Record<string, StateDef> }, input: Json, context: Record<string, Json>, language: string): Promise<Json> {
    let name = machine.StartAt;
    let data = input;
    for (;;) {
      const state = machine.States[name];
      if (!state) throw runtimeError(name, "no such state (a Next, Default or StartAt names it)");
      this.check(name, state);
      this.record({ type: "StateEntered", state: name, detail: data });
      const stateLanguage = typeof state.QueryLanguage === "string" ? state.QueryLanguage : language;
      const stateContext = { ...context, State: { Name: name, EnteredTime: new Date().toISOString(), RetryCount: 0 } };
      const step = await this.runState(name, state, data, stateContext, stateLanguage);
      this.record({ type: "StateExited", state: name, detail: step.output });
      if (step.next === undefined) return step.output;
      name = step.next;
      data = step.output;
    }
  }

  private check(name: string, state: StateDef): void {
    const type = String(state.Type);
    const known = FIELDS[type];
    if (!known) throw runtimeError(name, `unsupported state type ${type}`);
    const unknown = Object.keys(state).filter((k) => !known.includes(k));
    if (unknown.length) throw runtimeError(name, `unsupported field${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")} in a ${type} state`);
    for (const retrier of (state.Retry ?? []) as Record<string, Json>[]) {
      const bad = Object.keys(retrier).filter((k) => !RETRIER_FIELDS.includes(k));
      if (bad.length) throw runtimeError(name, `unsupported Retry field ${bad.join(", ")}`);
    }
    if (!["Choice", "Succeed", "Fail"].includes(type) && (state.Next === undefined) === (state.End !== true)) {
      throw runtimeError(name, "a state needs exactly one of Next and End: true");
    }
  }

  private async runState(name: string, state: StateDef, raw: Json, context: Record<string, Json>, language: string): Promise<{ output: Json; next?: string }> {
    const jsonata = language === "JSONata";
    if (language !== "JSONata" && language !== "JSONPath") throw runtimeError(name, `unsupported QueryLanguage ${language}`);
    if (!jsonata) {
      const misplaced = ["Arguments", "Output", "Assign", "Items"].filter((f) => f in state);
      if (misplaced.length) throw runtimeError(name, `${misplaced.join(", ")} needs QueryLanguage JSONata (unsupported with JSONPath)`);
    }
    const type = state.Type as string;
    const next = state.End === true ? undefined : (state.Next as string);
    const scope = (extra: Partial<JsonataScope["states"]> = {}): JsonataScope => ({ states: { input: raw, context, ...extra }, variables: this.variables });

    if (type === "Succeed") {
      const output = jsonata ? ("Output" in state ? await evaluateJsonata(state.Output, scope(), `${name}.Output`) : raw) : selectPath(selectPath(raw, state.InputPath, context, `${name}.InputPath`), state.OutputPath, context, `${name}.OutputPath`);
      return { output };
    }
    if (type === "Fail") {
      let error = state.Error as string | undefined;
      let cause = state.Cause as string | undefined;
      if (jsonata) {
        if (typeof error === "string") error = String(await evaluateJsonata(error, scope(), `${name}.Error`));
        if (typeof cause === "string") cause = String(await evaluateJsonata(cause, scope(), `${name}.Cause`));
      } else {
        const fromPath = (path: Json | undefined, field: string) => String((applyTemplate({ "v.$": path as string }, { input: raw, context }, `${name}.${field}`) as Record<string, Json>).v);
        if (typeof state.ErrorPath === "string") error = fromPath(state.ErrorPath, "ErrorPath");
        if (typeof state.CausePath === "string") cause = fromPath(state.CausePath, "CausePath");
      }
      throw new StatesError(error ?? "States.Fail", cause ?? "");
    }
    if (type === "Choice") {
      for (const rule of (state.Choices ?? []) as Record<string, Json>[]) {
        const input = jsonata ? raw : selectPath(raw, state.InputPath, context, `${name}.InputPath`);
        const matched = jsonata
          ? (await evaluateJsonata(rule.Condition, scope(), `${name}.Condition`)) === true
          : evaluateRule(rule, { input, context }, name);
        if (matched) return { output: await this.choiceOutput(name, state, raw, context, jsonata, rule), next: rule.Next as string };
      }
      if (typeof state.Default !== "string") throw new StatesError("States.NoChoiceMatched", `state "${name}": no Choice rule matched and there is no Default`);
      return { output: await this.choiceOutput(name, state, raw, context, jsonata), next: state.Default };
    }
    if (type === "Wait") {
      this.record({ type: "WaitSkipped", state: name, detail: { Seconds: state.Seconds ?? null, Timestamp: state.Timestamp ?? null } });
      return { output: jsonata ? ("Output" in state ? await evaluateJsonata(state.Output, scope(), `${name}.Output`) : raw) : selectPath(selectPath(raw, state.InputPath, context, `${name}.InputPath`), state.OutputPath, context, `${name}.OutputPath`), next };
    }
    if (type === "Pass") {
      if (jsonata) {
        await this.assign(name, state, scope());
        return { output: "Output" in state ? await evaluateJsonata(state.Output, scope(), `${name}.Output`) : raw, next };
      }
      const effective = selectPath(raw, state.InputPath, context, `${name}.InputPath`);
      const result = "Result" in state ? state.Result : state.Parameters !== undefined ? applyTemplate(state.Parameters, { input: effective, context }, `${name}.Parameters`) : effective;
      const placed = placeResult(raw, result, state.ResultPath);
      return { output: selectPath(placed, state.OutputPath, context, `${name}.OutputPath`), next };
    }
    // Task, Parallel, Map: the work may fail, and Retry and Catch apply.
    return this.runWithErrors(name, state, raw, context, jsonata, next);
  }

  private async choiceOutput(name: string, state: StateDef, raw: Json, context: Record<string, Json>, jsonata: boolean, rule?: Record<string, Json>): Promise<Json> {
    if (!jsonata) return selectPath(selectPath(raw, state.InputPath, context, `${name}.InputPath`), state.OutputPath, context, `${name}.OutputPath`);
    const scope: JsonataScope = { states: { input: raw, context }, variables: this.variables };
    await this.assign(name, rule ?? state, scope);
    const source = rule && "Output" in rule ? rule.Output : state.Output;
    return source === undefined ? raw : evaluateJsonata(source, scope, `${name}.Output`);
  }

  private async assign(name: string, holder: Record<string, Json>, scope: JsonataScope): Promise<void> {
    if (holder.Assign === undefined) return;
    const values = (await evaluateJsonata(holder.Assign, scope, `${name}.Assign`)) as Record<string, Json>;
    Object.assign(this.variables, values);
  }

  private async runWithErrors(name: string, state: StateDef, raw: Json, context: Record<string, Json>, jsonata: boolean, next: string | undefined): Promise<{ output: Json; next?: string }> {
    const retriers = (state.Retry ?? []) as unknown as Retrier[];
    const catchers = (state.Catch ?? []) as unknown as Catcher[];
    const used = retriers.map(() => 0);
    for (let attempt = 1; ; attempt++) {
      try {
        const stateContext = { ...context, State: { ...(context.State as Record<string, Json>), RetryCount: attempt - 1 } };
        const output = await this.work(name, state, raw, stateContext, jsonata, attempt);
        return { output, next };
      } catch (err) {
        if (!(err instanceof StatesError)) throw err;
        this.record({ type: "TaskFailed", state: name, error: err.error, cause: err.cause });
        // The first retrier whose ErrorEquals matches decides; once it is exhausted, the Catchers are next.
        const index = retriers.findIndex((r) => errorMatches(r.ErrorEquals, err.error));
        if (index >= 0 && used[index] < (retriers[index].MaxAttempts ?? 3)) {
          const r = retriers[index];
          const delay = Math.min((r.IntervalSeconds ?? 1) * (r.BackoffRate ?? 2) ** used[index], r.MaxDelaySeconds ?? Infinity);
          used[index]++;
          this.record({ type: "RetryScheduled", state: name, error: err.error, detail: { retrier: index, attempt: used[index], delaySecondsSkipped: delay } });
          continue;
        }
        const catcher = catchers.find((c) => errorMatches(c.ErrorEquals, err.error));
        if (!catcher) throw err;
        this.record({ type: "ErrorCaught", state: name, error: err.error, detail: { next: catcher.Next } });
        if (jsonata) {
          const scope: JsonataScope = { states: { input: raw, context, errorOutput: err.toJson() }, variables: this.variables };
          await this.assign(name, catcher as unknown as Record<string, Json>, scope);
          return { output: catcher.Output === undefined ? err.toJson() : await evaluateJsonata(catcher.Output, scope, `${name}.Catch.Output`), next: catcher.Next };
        }
        return { output: placeResult(raw, err.toJson(), catcher.ResultPath), next: catcher.Next };
      }
    }
  }

  /** One attempt of a Task, Parallel or Map: input processing, the work, output processing. */
  private async work(name: string, state: StateDef, raw: Json, context: Record<string, Json>, jsonata: boolean, attempt: number): Promise<Json> {
    const type = state.Type as string;
    const scope = (extra: Partial<JsonataScope["states"]> = {}): JsonataScope => ({ states: { input: raw, context, ...extra }, variables: this.variables });
    let effective: Json;
    if (jsonata) effective = state.Arguments === undefined ? raw : await evaluateJsonata(state.Arguments, scope(), `${name}.Arguments`);
    else {
      const selected = selectPath(raw, state.InputPath, context, `${name}.InputPath`);
      effective = state.Parameters === undefined || type === "Map" ? selected : applyTemplate(state.Parameters, { input: selected, context }, `${name}.Parameters`);
    }
    let result: Json;
    if (type === "Task") {
      if (typeof state.Resource !== "string") throw runtimeError(name, "a Task needs a Resource");
      result = await this.handler({ state: name, resource: state.Resource, parameters: effective, attempt, context });
    } else if (type === "Parallel") {
      const branches = state.Branches as unknown as { StartAt: string; States: Record<string, StateDef>; QueryLanguage?: string }[];
      // Branches run one after another here (two cores, one Spark session); the service runs them concurrently.
      // The first failing branch fails the state, as the service's "stop the other branches" does.
      result = [];
      for (const branch of branches) result.push(await this.runMachine(branch, effective, context, branch.QueryLanguage ?? (jsonata ? "JSONata" : "JSONPath")));
    } else {
      result = await this.map(name, state, effective, context, jsonata);
    }
    if (jsonata) {
      await this.assign(name, state, scope({ result }));
      return state.Output === undefined ? result : evaluateJsonata(state.Output, scope({ result }), `${name}.Output`);
    }
    const selected = state.ResultSelector === undefined ? result : applyTemplate(state.ResultSelector, { input: result, context }, `${name}.ResultSelector`);
    const placed = placeResult(raw, selected, state.ResultPath);
    return selectPath(placed, state.OutputPath, context, `${name}.OutputPath`);
  }

  private async map(name: string, state: StateDef, effective: Json, context: Record<string, Json>, jsonata: boolean): Promise<Json[]> {
    const processor = (state.ItemProcessor ?? state.Iterator) as unknown as { StartAt: string; States: Record<string, StateDef>; ProcessorConfig?: Json } | undefined;
    if (!processor) throw runtimeError(name, "a Map state needs an ItemProcessor");
    const items = jsonata
      ? await evaluateJsonata(state.Items ?? "{% $states.input %}", { states: { input: effective, context }, variables: this.variables }, `${name}.Items`)
      : selectPath(effective, state.ItemsPath ?? "$", context, `${name}.ItemsPath`);
    if (!Array.isArray(items)) throw new StatesError("States.Runtime", `state "${name}": the Map's items are not an array`);
    const selector = state.ItemSelector ?? (jsonata ? undefined : state.Parameters);
    const results: Json[] = [];
    for (const [index, value] of items.entries()) {
      const mapContext = { ...context, Map: { Item: { Index: index, Value: value } } };
      const itemInput = selector === undefined ? value : jsonata ? await evaluateJsonata(selector, { states: { input: effective, context: mapContext }, variables: this.variables }, `${name}.ItemSelector`) : applyTemplate(selector, { input: effective, context: mapContext }, `${name}.ItemSelector`);
      results.push(await this.runMachine(processor, itemInput, context, (processor as { QueryLanguage?: string }).QueryLanguage ?? (jsonata ? "JSONata" : "JSONPath")));
    }
    return results;
  }
}
