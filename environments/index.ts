/**
 * loadEnvironment(name): the one place configs are validated. Modules receive the result and never re-validate.
 */
import { ENVIRONMENT_NAMES, environmentSchema, type EnvironmentConfig, type EnvironmentInput, type EnvironmentName } from "./schema";
import { PIPELINES, pipelineSchema, type Pipeline } from "./pipelines";
import { dev } from "./dev";
import { local } from "./local";
import { prod } from "./prod";
import { staging } from "./staging";

export * from "./schema";
export * from "./pipelines";

const ENVIRONMENTS: Record<EnvironmentName, EnvironmentInput> = { dev, staging, prod, local };

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

export function isEnvironmentName(name: string): name is EnvironmentName {
  return (ENVIRONMENT_NAMES as readonly string[]).includes(name);
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

/** Validates any input (an environment file, or a test's variant of one); throws one ConfigError listing all faults. */
export function parseEnvironment(input: unknown, source = "environment"): EnvironmentConfig {
  const result = environmentSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.length ? issue.path.map(String).join(".") : "(root)";
    const fix = /fix:/.test(issue.message) ? "" : "; fix: see the environment config reference in README.md";
    return `${path} = ${show(valueAt(input, issue.path))}: ${issue.message}${fix}`;
  });
  const header = `${source}: ${problems.length} invalid field${problems.length === 1 ? "" : "s"}`;
  throw new ConfigError([header, ...problems.map((p) => `  - ${p}`)].join("\n"), problems);
}

function problemLines(issues: readonly { path: readonly PropertyKey[]; message: string }[], input: unknown): string[] {
  return issues.map((issue) => {
    const path = issue.path.length ? issue.path.map(String).join(".") : "(root)";
    const fix = /fix:/.test(issue.message) ? "" : "; fix: see the environment config reference in README.md";
    return `${path} = ${show(valueAt(input, issue.path))}: ${issue.message}${fix}`;
  });
}

/** Validates one pipeline declaration; throws one ConfigError naming every bad field and its fix. */
export function parsePipeline(name: string, input: unknown, source = `environments/pipelines.ts ${name}`): Pipeline {
  const result = pipelineSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = problemLines(result.error.issues, input);
  throw new ConfigError([`${source}: ${problems.length} invalid field${problems.length === 1 ? "" : "s"}`, ...problems.map((p) => `  - ${p}`)].join("\n"), problems);
}

/** The pipelines `config` enables, validated (all faults of all of them in one error). */
export function loadPipelines(config: EnvironmentConfig, declared: Record<string, unknown> = PIPELINES): Record<string, Pipeline> {
  const out: Record<string, Pipeline> = {};
  const errors: ConfigError[] = [];
  for (const name of Object.keys(config.pipelines)) {
    try {
      out[name] = parsePipeline(name, declared[name]);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      errors.push(error);
    }
  }
  if (errors.length) throw new ConfigError(errors.map((e) => e.message).join("\n"), errors.flatMap((e) => e.problems));
  return out;
}

/** The raw (unvalidated) input of a named environment, for tests and tooling that derive variants. */
export function environmentInput(name: EnvironmentName): EnvironmentInput {
  return structuredClone(ENVIRONMENTS[name]);
}

/**
 * The validated config of `name`. The local environment's endpoint can be moved with EMR_LOCAL_ENDPOINT (tests start
 * moto's server on a free port).
 */
export function loadEnvironment(name: string, env: NodeJS.ProcessEnv = process.env): EnvironmentConfig {
  if (!isEnvironmentName(name)) {
    throw new ConfigError(`unknown environment "${name}"; fix: use one of ${ENVIRONMENT_NAMES.join(", ")}`);
  }
  const input = environmentInput(name);
  if (name === "local" && env.EMR_LOCAL_ENDPOINT) input.endpoint = env.EMR_LOCAL_ENDPOINT;
  return parseEnvironment(input, `environments/${name}.ts`);
}

export function loadAllEnvironments(env: NodeJS.ProcessEnv = process.env): EnvironmentConfig[] {
  return ENVIRONMENT_NAMES.map((n) => loadEnvironment(n, env));
}
