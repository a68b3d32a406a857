/**
 * `ConfigError` and how a failed validation reads: one line per fault, naming the field, the value it had and the fix.
 * Modules that guard their own props throw it too, so every config fault leaves synth the same way.
 */

/** Thrown for an unknown environment or an invalid config; `message` lists every bad field, value and fix. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(message);
    this.name = "ConfigError";
  }
}

/** One fault: where (a path into the input) and what is wrong with it, ideally ending in "; fix: …". */
export interface ConfigIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function show(value: unknown): string {
  if (value === undefined) return "(missing)";
  const s = JSON.stringify(value);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** `path = value: message; fix: …`, with a pointer to the README when the message names no fix itself. */
export function formatIssue(input: unknown, issue: ConfigIssue): string {
  const path = issue.path.length ? issue.path.map(String).join(".") : "(root)";
  const fix = /fix:/.test(issue.message) ? "" : "; fix: see the environment config reference in README.md";
  return `${path} = ${show(valueAt(input, issue.path))}: ${issue.message}${fix}`;
}

/** One ConfigError listing every issue under a header naming the source and the count. */
export function configErrorOf(input: unknown, issues: readonly ConfigIssue[], source: string): ConfigError {
  const problems = issues.map((issue) => formatIssue(input, issue));
  const header = `${source}: ${problems.length} invalid field${problems.length === 1 ? "" : "s"}`;
  return new ConfigError([header, ...problems.map((p) => `  - ${p}`)].join("\n"), problems);
}
