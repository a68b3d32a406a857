/**
 * JSONata states (`"QueryLanguage": "JSONata"`, https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html):
 * a string `{% expr %}` anywhere in Arguments, Output, Assign, Items or a Choice Condition is a JSONata expression
 * evaluated with `$states` (input, context, result, errorOutput) and the execution's variables bound. Uses the
 * `jsonata` package that asl-validator already brings (the same evaluator AWS documents, version 2).
 */
import { type Json, StatesError } from "./errors";

type Jsonata = (expression: string) => { evaluate(input: unknown, bindings?: Record<string, unknown>): Promise<unknown> };

/** Loaded on the first JSONata expression: a JSONPath-only definition runs without the package. */
function jsonata(expression: string): ReturnType<Jsonata> {
  let load: Jsonata;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    load = require("jsonata") as Jsonata;
  } catch {
    throw new StatesError("States.Runtime", "this definition uses JSONata and the jsonata package is not installed; fix: npm install");
  }
  return load(expression);
}

export interface JsonataScope {
  readonly states: { input: Json; context: Json; result?: Json; errorOutput?: Json };
  readonly variables: Readonly<Record<string, Json>>;
}

const EXPRESSION = /^\{%([\s\S]*)%\}$/;

export function isJsonataExpression(value: Json | undefined): value is string {
  return typeof value === "string" && EXPRESSION.test(value.trim());
}

async function evaluateExpression(text: string, scope: JsonataScope, where: string): Promise<Json> {
  const expression = EXPRESSION.exec(text.trim())![1];
  try {
    const value = await jsonata(expression).evaluate(scope.states.input, { ...scope.variables, states: scope.states });
    // JSONata's "no match" is undefined; Step Functions refuses a field whose expression gives nothing.
    if (value === undefined) throw new StatesError("States.QueryEvaluationError", `${where}: the JSONata expression ${expression.trim()} returned no value`);
    return JSON.parse(JSON.stringify(value)) as Json;
  } catch (err) {
    if (err instanceof StatesError) throw err;
    throw new StatesError("States.QueryEvaluationError", `${where}: ${(err as Error).message} in {%${expression}%}`);
  }
}

/** A JSONata template: every `{% %}` string evaluated, everything else copied. */
export async function evaluateJsonata(template: Json, scope: JsonataScope, where: string): Promise<Json> {
  if (isJsonataExpression(template)) return evaluateExpression(template, scope, where);
  if (Array.isArray(template)) return Promise.all(template.map((item) => evaluateJsonata(item, scope, where)));
  if (typeof template !== "object" || template === null) return template;
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(template)) out[key] = await evaluateJsonata(value, scope, `${where}.${key}`);
  return out;
}
