/**
 * The local ASL interpreter on small hand-written definitions: Choice operators, Retry before Catch and the
 * error-name rules, InputPath/Parameters/ResultSelector/ResultPath/OutputPath, intrinsic functions, Parallel and
 * Map, JSONata states, and the one-line refusal of constructs it does not know.
 */
import { evaluateRule, stringMatches } from "../../scripts/lib/local-pipeline/choice";
import { errorMatches, type Json, StatesError } from "../../scripts/lib/local-pipeline/errors";
import { evaluateIntrinsic } from "../../scripts/lib/local-pipeline/intrinsics";
import { type Definition, Interpreter, type TaskCall } from "../../scripts/lib/local-pipeline/interpreter";

const EXECUTION = { executionName: "run-1", stateMachineArn: "arn:aws:states:us-east-1:000000000000:stateMachine:sm", startTime: "2026-01-31T02:00:00.000Z" };

/** A task handler scripted per resource: a value, or an error to raise on the first n attempts. */
function handler(script: Record<string, Json | ((call: TaskCall) => Json)>) {
  const calls: TaskCall[] = [];
  const handle = async (call: TaskCall): Promise<Json> => {
    calls.push(call);
    const entry = script[call.resource];
    if (entry === undefined) throw new StatesError("States.Runtime", `no script for ${call.resource}`);
    return typeof entry === "function" ? entry(call) : entry;
  };
  return { handle, calls };
}

async function run(definition: Definition, input: Json, script: Record<string, Json | ((call: TaskCall) => Json)> = {}) {
  const h = handler(script);
  const result = await new Interpreter(definition, h.handle, EXECUTION).run(input);
  const entered = result.events.filter((e) => e.type === "StateEntered").map((e) => e.state);
  return { ...result, entered, calls: h.calls };
}

describe("Choice rules", () => {
  const roots = (input: Json) => ({ input, context: {} });
  test.each([
    [{ Variable: "$.s", StringEquals: "a" }, { s: "a" }, true],
    [{ Variable: "$.s", StringEquals: "a" }, { s: 1 }, false], // wrong type: false, not an error
    [{ Variable: "$.s", StringLessThan: "b" }, { s: "a" }, true],
    [{ Variable: "$.s", StringGreaterThanEquals: "b" }, { s: "a" }, false],
    [{ Variable: "$.s", StringEqualsPath: "$.t" }, { s: "x", t: "x" }, true],
    [{ Variable: "$.n", NumericEquals: 2 }, { n: 2 }, true],
    [{ Variable: "$.n", NumericLessThan: 2 }, { n: 1.5 }, true],
    [{ Variable: "$.n", NumericGreaterThan: 2 }, { n: 2 }, false],
    [{ Variable: "$.n", NumericLessThanEqualsPath: "$.m" }, { n: 2, m: 2 }, true],
    [{ Variable: "$.b", BooleanEquals: true }, { b: true }, true],
    [{ Variable: "$.t", TimestampLessThan: "2026-01-02T00:00:00Z" }, { t: "2026-01-01T23:59:59Z" }, true],
    [{ Variable: "$.t", TimestampEquals: "2026-01-01T00:00:00Z" }, { t: "2026-01-01" }, false], // not a timestamp
    [{ Variable: "$.t", TimestampGreaterThanEqualsPath: "$.u" }, { t: "2026-01-01T01:00:00+01:00", u: "2026-01-01T00:00:00Z" }, true],
    [{ Variable: "$.x", IsPresent: true }, { x: null }, true],
    [{ Variable: "$.x", IsPresent: false }, {}, true],
    [{ Variable: "$.x", IsNull: true }, { x: null }, true],
    [{ Variable: "$.x", IsNumeric: true }, { x: "1" }, false],
    [{ Variable: "$.x", IsString: true }, { x: "1" }, true],
    [{ Variable: "$.x", IsBoolean: false }, { x: 0 }, true],
    [{ Variable: "$.x", IsTimestamp: true }, { x: "2026-01-01T00:00:00Z" }, true],
    [{ Variable: "$.s", StringMatches: "*exit code 2" }, { s: "failed: exit code 2" }, true],
    [{ Variable: "$.s", StringMatches: "*exit code 2" }, { s: "failed: exit code 23" }, false],
    [{ Variable: "$.a[1]", IsPresent: true }, { a: ["one"] }, false],
    [{ And: [{ Variable: "$.n", NumericGreaterThan: 1 }, { Variable: "$.n", NumericLessThan: 3 }] }, { n: 2 }, true],
    [{ Or: [{ Variable: "$.n", NumericEquals: 1 }, { Variable: "$.n", NumericEquals: 3 }] }, { n: 2 }, false],
    [{ Not: { Variable: "$.s", StringEquals: "stop" } }, { s: "pass" }, true],
  ] as [Record<string, Json>, Json, boolean][])("%j on %j is %s", (rule, input, expected) => {
    expect(evaluateRule(rule, roots(input), "Choice")).toBe(expected);
  });

  test("a Variable that selects nothing is a runtime error, except under IsPresent", () => {
    expect(() => evaluateRule({ Variable: "$.missing", StringEquals: "a" }, roots({}), "Check")).toThrow(/Check.*\$\.missing/);
  });

  test("StringMatches: \\* is a literal star", () => {
    expect(stringMatches("a*b", "a\\*b")).toBe(true);
    expect(stringMatches("axb", "a\\*b")).toBe(false);
  });

  test("a Choice with no match and no Default fails with States.NoChoiceMatched", async () => {
    const result = await run({ StartAt: "C", States: { C: { Type: "Choice", Choices: [{ Variable: "$.x", StringEquals: "y", Next: "C" }] } } }, { x: "z" });
    expect(result.status).toBe("FAILED");
    expect(result.error).toBe("States.NoChoiceMatched");
  });
});

describe("errors: Retry before Catch, and the error-name rules", () => {
  test("States.ALL catches everything but States.Runtime; States.TaskFailed everything but States.Timeout", () => {
    expect(errorMatches(["States.ALL"], "S3.NoSuchKeyException")).toBe(true);
    expect(errorMatches(["States.ALL"], "States.Runtime")).toBe(false);
    expect(errorMatches(["States.TaskFailed"], "S3.NoSuchKeyException")).toBe(true);
    expect(errorMatches(["States.TaskFailed"], "States.Timeout")).toBe(false);
    expect(errorMatches(["States.Timeout"], "States.Timeout")).toBe(true);
    expect(errorMatches(["Custom.Error"], "Other.Error")).toBe(false);
  });

  const failing = (maxAttempts: number, catchOn = ["States.ALL"]): Definition => ({
    StartAt: "T",
    States: {
      T: {
        Type: "Task",
        Resource: "arn:aws:states:::fail",
        Retry: [{ ErrorEquals: ["States.TaskFailed"], MaxAttempts: maxAttempts, IntervalSeconds: 60 }],
        Catch: [{ ErrorEquals: catchOn, ResultPath: "$.error", Next: "Caught" }],
        ResultPath: "$.r",
        Next: "Done",
      },
      Done: { Type: "Succeed" },
      Caught: { Type: "Pass", End: true },
    },
  });
  const raise = () => {
    throw new StatesError("States.TaskFailed", "boom");
  };

  test("a failing task runs 1 + MaxAttempts times, then the Catch places {Error, Cause} at its ResultPath", async () => {
    const result = await run(failing(2), { keep: 1 }, { "arn:aws:states:::fail": raise });
    expect(result.calls.map((c) => c.attempt)).toEqual([1, 2, 3]);
    expect(result.entered).toEqual(["T", "Caught"]);
    expect(result.output).toEqual({ keep: 1, error: { Error: "States.TaskFailed", Cause: "boom" } });
    // Retries are counted, never slept: the delays are recorded.
    expect(result.events.filter((e) => e.type === "RetryScheduled").map((e) => (e.detail as { delaySecondsSkipped: number }).delaySecondsSkipped)).toEqual([60, 120]);
  });

  test("MaxAttempts 0 never retries", async () => {
    const result = await run(failing(0), {}, { "arn:aws:states:::fail": raise });
    expect(result.calls).toHaveLength(1);
    expect(result.entered).toEqual(["T", "Caught"]);
  });

  test("a retry that succeeds continues on the happy path", async () => {
    let n = 0;
    const result = await run(failing(2), {}, { "arn:aws:states:::fail": () => (++n === 1 ? raise() : "ok") });
    expect(result.entered).toEqual(["T", "Done"]);
    expect(result.output).toEqual({ r: "ok" });
  });

  test("an error no Catch names fails the execution with that error", async () => {
    const result = await run(failing(0, ["Other.Error"]), {}, { "arn:aws:states:::fail": raise });
    expect(result.status).toBe("FAILED");
    expect([result.error, result.cause]).toEqual(["States.TaskFailed", "boom"]);
  });

  test("a Fail state ends the execution with its Error and Cause", async () => {
    const result = await run({ StartAt: "F", States: { F: { Type: "Fail", Error: "Pipeline.Failed", Cause: "why" } } }, {});
    expect([result.status, result.error, result.cause]).toEqual(["FAILED", "Pipeline.Failed", "why"]);
  });
});

describe("input and output processing", () => {
  test("InputPath → Parameters (with $$ and intrinsics) → ResultSelector → ResultPath → OutputPath", async () => {
    const definition: Definition = {
      StartAt: "T",
      States: {
        T: {
          Type: "Task",
          Resource: "arn:aws:states:::echo",
          InputPath: "$.inner",
          Parameters: { "key.$": "States.Format('raw/{}/x', $.date)", "name.$": "$$.Execution.Name", "sm.$": "$$.StateMachine.Id", fixed: 1 },
          ResultSelector: { "body.$": "States.StringToJson($.Body)", "first.$": "$.Items[0]" },
          ResultPath: "$.inner.result",
          OutputPath: "$.inner",
          End: true,
        },
      },
    };
    const result = await run(definition, { outer: true, inner: { date: "2026-01-05" } }, { "arn:aws:states:::echo": { Body: '{"verdict":"stop"}', Items: ["a", "b"] } });
    expect(result.calls[0].parameters).toEqual({ key: "raw/2026-01-05/x", name: "run-1", sm: EXECUTION.stateMachineArn, fixed: 1 });
    expect(result.output).toEqual({ date: "2026-01-05", result: { body: { verdict: "stop" }, first: "a" } });
  });

  test("ResultPath null keeps the input; a Pass with Result replaces at ResultPath; OutputPath null gives {}", async () => {
    const definition: Definition = {
      StartAt: "A",
      States: {
        A: { Type: "Task", Resource: "arn:aws:states:::echo", ResultPath: null, Next: "B" },
        B: { Type: "Pass", Result: { status: "GATE_STOPPED" }, ResultPath: "$.outcome", Next: "C" },
        C: { Type: "Pass", OutputPath: null, End: true },
      },
    };
    const result = await run(definition, { a: 1 }, { "arn:aws:states:::echo": "ignored" });
    const exited = result.events.filter((e) => e.type === "StateExited").map((e) => e.detail);
    expect(exited).toEqual([{ a: 1 }, { a: 1, outcome: { status: "GATE_STOPPED" } }, {}]);
  });

  test("a wildcard path in a template selects an array", async () => {
    const definition: Definition = {
      StartAt: "T",
      States: { T: { Type: "Task", Resource: "arn:aws:states:::list", ResultSelector: { "running.$": "$.Executions[*].ExecutionArn" }, End: true } },
    };
    const result = await run(definition, {}, { "arn:aws:states:::list": { Executions: [{ ExecutionArn: "a" }, { ExecutionArn: "b" }] } });
    expect(result.output).toEqual({ running: ["a", "b"] });
  });

  test("a path that selects nothing in Parameters fails the run with States.Runtime naming it", async () => {
    const definition: Definition = { StartAt: "P", States: { P: { Type: "Pass", Parameters: { "x.$": "$.missing" }, End: true } } };
    const result = await run(definition, {});
    expect(result.error).toBe("States.Runtime");
    expect(result.cause).toMatch(/\$\.missing/);
  });
});

describe("intrinsic functions", () => {
  const roots = { input: { date: "2026-01-31T02:00:00Z", key: "raw/claims/2026-01-05/_SUCCESS", body: '{"a":[1,2]}', n: 3 }, context: { Execution: { StartTime: "2026-02-01T00:30:00Z" } } };
  test.each([
    ["States.ArrayGetItem(States.StringSplit($.date, 'T'), 0)", "2026-01-31"],
    ["States.ArrayGetItem(States.StringSplit($.key, '/'), 2)", "2026-01-05"],
    ["States.ArrayGetItem(States.StringSplit($$.Execution.StartTime, 'T'), 0)", "2026-02-01"],
    ["States.Format('s3://b/raw/{}/x \\{literal\\} it\\'s', $.n)", "s3://b/raw/3/x {literal} it's"],
    ["States.Array('a', $.n, States.Format('{}-{}', 'x', 'y'))", ["a", 3, "x-y"]],
    ["States.StringToJson($.body)", { a: [1, 2] }],
    ["States.JsonToString(States.StringToJson($.body))", '{"a":[1,2]}'],
    ["States.StringSplit('This.is+a,test=string', '.+,=')", ["This", "is", "a", "test", "string"]],
    ["States.ArrayLength(States.Array(1, 2, 3))", 3],
    ["States.MathAdd($.n, -1)", 2],
    ["States.ArrayContains(States.Array('a', 'b'), 'b')", true],
  ] as [string, Json][])("%s", (expression, expected) => {
    expect(evaluateIntrinsic(expression, roots)).toEqual(expected);
  });

  test("misuse is a States.Runtime error", () => {
    expect(() => evaluateIntrinsic("States.ArrayGetItem(States.Array('a'), 3)", roots)).toThrow(/out of bounds/);
    expect(() => evaluateIntrinsic("States.Format('{} {}', 'one')", roots)).toThrow(/more \{\} than arguments/);
    expect(() => evaluateIntrinsic("States.Nope(1)", roots)).toThrow(/unknown intrinsic function States.Nope/);
  });
});

describe("Parallel, Map and JSONata", () => {
  test("Parallel gives one result per branch; a failing branch fails the state into its Catch", async () => {
    const branch = (resource: string) => ({ StartAt: "X", States: { X: { Type: "Task", Resource: resource, End: true } } });
    const definition: Definition = {
      StartAt: "P",
      States: {
        P: { Type: "Parallel", Branches: [branch("arn:aws:states:::one"), branch("arn:aws:states:::two")], ResultPath: "$.results", Catch: [{ ErrorEquals: ["States.ALL"], Next: "Failed", ResultPath: "$.error" }], End: true },
        Failed: { Type: "Pass", End: true },
      },
    };
    const ok = await run(definition, {}, { "arn:aws:states:::one": 1, "arn:aws:states:::two": 2 });
    expect(ok.output).toEqual({ results: [1, 2] });
    const failed = await run(definition, {}, { "arn:aws:states:::one": 1, "arn:aws:states:::two": () => { throw new StatesError("States.TaskFailed", "two broke"); } });
    expect(failed.entered.slice(-1)).toEqual(["Failed"]);
    expect(failed.output).toEqual({ error: { Error: "States.TaskFailed", Cause: "two broke" } });
  });

  test("Map runs its processor per item with ItemSelector and $$.Map.Item", async () => {
    const definition: Definition = {
      StartAt: "M",
      States: {
        M: {
          Type: "Map",
          ItemsPath: "$.days",
          ItemSelector: { "day.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index" },
          ItemProcessor: { StartAt: "Echo", States: { Echo: { Type: "Pass", End: true } } },
          ResultPath: "$.out",
          End: true,
        },
      },
    };
    const result = await run(definition, { days: ["d1", "d2"] });
    expect(result.output).toEqual({ days: ["d1", "d2"], out: [{ day: "d1", i: 0 }, { day: "d2", i: 1 }] });
  });

  test("a JSONata Pass does date arithmetic (yesterday of the start time) and Assign/Output work", async () => {
    const definition: Definition = {
      QueryLanguage: "JSONata",
      StartAt: "D",
      States: {
        D: {
          Type: "Pass",
          Assign: { offset: 1 },
          Output: { run: { date: "{% $fromMillis($toMillis($states.context.Execution.StartTime) - 86400000, '[Y0001]-[M01]-[D01]') %}" } },
          Next: "C",
        },
        C: { Type: "Choice", Choices: [{ Condition: "{% $states.input.run.date = '2026-01-30' and $offset = 1 %}", Next: "Yes" }], Default: "No" },
        Yes: { Type: "Succeed" },
        No: { Type: "Fail", Error: "Wrong" },
      },
    };
    const result = await run(definition, {});
    expect(result.status).toBe("SUCCEEDED");
    expect(result.output).toEqual({ run: { date: "2026-01-30" } });
  });
});

describe("constructs the interpreter does not know", () => {
  test("an unknown field fails the run with one line naming the state and the field", async () => {
    const result = await run({ StartAt: "T", States: { T: { Type: "Task", Resource: "x", ItemReader: {}, End: true } } }, {});
    expect([result.status, result.error]).toEqual(["FAILED", "States.Runtime"]);
    expect(result.cause).toBe('state "T": unsupported field ItemReader in a Task state');
  });

  test("an unknown state type is named", async () => {
    const result = await run({ StartAt: "W", States: { W: { Type: "Sleep", End: true } } }, {});
    expect(result.cause).toBe('state "W": unsupported state type Sleep');
  });

  test("States.Runtime cannot be caught", async () => {
    const definition: Definition = {
      StartAt: "P",
      States: {
        P: { Type: "Task", Resource: "arn:aws:states:::unknown", Catch: [{ ErrorEquals: ["States.ALL"], Next: "Caught" }], End: true },
        Caught: { Type: "Succeed" },
      },
    };
    const result = await run(definition, {});
    expect(result.status).toBe("FAILED");
    expect(result.entered).toEqual(["P"]);
  });
});
