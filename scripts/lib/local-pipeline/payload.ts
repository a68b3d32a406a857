/**
 * Input and output processing of a state (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-input-output-filtering.html):
 * InputPath → Parameters → (the work) → ResultSelector → ResultPath → OutputPath. Payload templates (Parameters,
 * ResultSelector, ItemSelector) copy their fields, except that a key ending in `.$` takes the value of its path
 * or intrinsic function and loses the suffix.
 */
import { type Json, StatesError } from "./errors";
import { evaluateIntrinsic, isIntrinsic } from "./intrinsics";
import { evaluatePath, placeAt, type Roots } from "./json-path";

function resolve(expression: string, roots: Roots, where: string): Json {
  if (isIntrinsic(expression)) return evaluateIntrinsic(expression, roots);
  let value: Json | undefined;
  try {
    value = evaluatePath(expression, roots);
  } catch (err) {
    throw new StatesError("States.Runtime", `${where}: ${(err as Error).message}`);
  }
  if (value === undefined) throw new StatesError("States.Runtime", `${where}: the JSONPath '${expression}' could not be found in the input`);
  return value;
}

/** A payload template applied to `roots.input`. */
export function applyTemplate(template: Json, roots: Roots, where = "payload template"): Json {
  if (Array.isArray(template)) return template.map((item) => applyTemplate(item, roots, where));
  if (typeof template !== "object" || template === null) return template;
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith(".$")) {
      if (typeof value !== "string") throw new StatesError("States.Runtime", `${where}: the value of ${key} must be a path or intrinsic function`);
      out[key.slice(0, -2)] = resolve(value, roots, `${where}.${key}`);
    } else out[key] = applyTemplate(value, roots, `${where}.${key}`);
  }
  return out;
}

/** InputPath / OutputPath: undefined (the field absent) keeps everything, null gives `{}`. */
export function selectPath(value: Json, path: Json | undefined, context: Json, field: string): Json {
  if (path === undefined) return value;
  if (path === null) return {};
  if (typeof path !== "string") throw new StatesError("States.Runtime", `${field} must be a string or null`);
  return resolve(path, { input: value, context }, field);
}

/** ResultPath: undefined places the result as the whole output, null discards it, a path merges it into the input. */
export function placeResult(input: Json, result: Json, path: Json | undefined): Json {
  if (path === undefined) return result;
  if (path === null) return input;
  if (typeof path !== "string") throw new StatesError("States.Runtime", "ResultPath must be a string or null");
  try {
    return placeAt(input, path, result);
  } catch (err) {
    throw new StatesError("States.Runtime", (err as Error).message);
  }
}
