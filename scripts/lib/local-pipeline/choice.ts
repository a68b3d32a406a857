/**
 * Choice rules (https://states-language.net/spec.html#choice-state): And, Or, Not and every comparison operator,
 * each with its `…Path` form, plus the type tests. Comparing a value of the wrong type is false, not an error
 * (the spec: "a comparison against a value of a different type … evaluates to false"); a Variable that selects
 * nothing raises States.Runtime except under IsPresent.
 */
import { type Json, StatesError } from "./errors";
import { evaluatePath, type Roots } from "./json-path";

type Rule = Record<string, Json>;
type Kind = "string" | "number" | "boolean" | "timestamp";

const COMPARISONS: Record<string, { kind: Kind; test: (order: number) => boolean }> = {};
for (const kind of ["String", "Numeric", "Timestamp"] as const) {
  const k: Kind = kind === "String" ? "string" : kind === "Numeric" ? "number" : "timestamp";
  COMPARISONS[`${kind}Equals`] = { kind: k, test: (o) => o === 0 };
  COMPARISONS[`${kind}LessThan`] = { kind: k, test: (o) => o < 0 };
  COMPARISONS[`${kind}GreaterThan`] = { kind: k, test: (o) => o > 0 };
  COMPARISONS[`${kind}LessThanEquals`] = { kind: k, test: (o) => o <= 0 };
  COMPARISONS[`${kind}GreaterThanEquals`] = { kind: k, test: (o) => o >= 0 };
}
COMPARISONS.BooleanEquals = { kind: "boolean", test: (o) => o === 0 };

/** RFC 3339 with the States Language's restrictions: an uppercase T and a zone (Z or ±hh:mm). */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const isTimestamp = (v: Json | undefined): v is string => typeof v === "string" && TIMESTAMP.test(v) && !Number.isNaN(Date.parse(v));

function typed(value: Json | undefined, kind: Kind): boolean {
  if (kind === "timestamp") return isTimestamp(value);
  return typeof value === kind;
}

function order(a: Json, b: Json, kind: Kind): number {
  if (kind === "timestamp") return Math.sign(Date.parse(a as string) - Date.parse(b as string));
  if (kind === "boolean") return a === b ? 0 : 1;
  if (kind === "number") return Math.sign((a as number) - (b as number));
  // Strings compare by code point, as the spec's examples do.
  return a === b ? 0 : (a as string) < (b as string) ? -1 : 1;
}

/** StringMatches: `*` matches any run of characters; `\*` and `\\` are literal. */
export function stringMatches(value: string, pattern: string): boolean {
  let regex = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\" && i + 1 < pattern.length) regex += pattern[++i].replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    else if (c === "*") regex += "[\\s\\S]*";
    else regex += c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${regex}$`).test(value);
}

const OPERATORS = [...Object.keys(COMPARISONS), ...Object.keys(COMPARISONS).map((k) => `${k}Path`), "StringMatches", "IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"];

/** Evaluates one rule (a top-level rule's `Next` is ignored here). */
export function evaluateRule(rule: Rule, roots: Roots, where: string): boolean {
  if ("And" in rule) return (rule.And as Rule[]).every((r) => evaluateRule(r, roots, where));
  if ("Or" in rule) return (rule.Or as Rule[]).some((r) => evaluateRule(r, roots, where));
  if ("Not" in rule) return !evaluateRule(rule.Not as Rule, roots, where);
  const operators = Object.keys(rule).filter((k) => k !== "Variable" && k !== "Next");
  if (operators.length !== 1 || !OPERATORS.includes(operators[0])) {
    throw new StatesError("States.Runtime", `${where}: unsupported Choice rule ${JSON.stringify(Object.keys(rule))}`);
  }
  if (typeof rule.Variable !== "string") throw new StatesError("States.Runtime", `${where}: a Choice rule needs a Variable`);
  const operator = operators[0];
  const operand = rule[operator];
  const value = evaluatePath(rule.Variable, roots);
  if (operator === "IsPresent") return (value !== undefined) === operand;
  if (value === undefined) throw new StatesError("States.Runtime", `${where}: Invalid path '${rule.Variable}': the choice state's condition path references an undefined value`);
  switch (operator) {
    case "IsNull":
      return (value === null) === operand;
    case "IsNumeric":
      return (typeof value === "number") === operand;
    case "IsString":
      return (typeof value === "string") === operand;
    case "IsBoolean":
      return (typeof value === "boolean") === operand;
    case "IsTimestamp":
      return isTimestamp(value) === operand;
    case "StringMatches":
      return typeof value === "string" && stringMatches(value, String(operand));
  }
  const byPath = operator.endsWith("Path");
  const comparison = COMPARISONS[byPath ? operator.slice(0, -4) : operator];
  const other = byPath ? evaluatePath(String(operand), roots) : operand;
  if (other === undefined) throw new StatesError("States.Runtime", `${where}: Invalid path '${String(operand)}' in ${operator}`);
  if (!typed(value, comparison.kind) || !typed(other, comparison.kind)) return false;
  return comparison.test(order(value, other, comparison.kind));
}
