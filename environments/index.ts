/**
 * loadEnvironment(name): the one place configs are validated (schema.ts and the named checks in checks.ts). Modules
 * receive the result, or their slice of it, and never re-validate; they guard only their own props.
 */
import { ConfigError, configErrorOf } from "./errors";
import { ENVIRONMENT_NAMES, environmentSchema, type EnvironmentConfig } from "./schema";
import { PIPELINES, pipelineSchema, type Pipeline } from "./pipelines";
import { effectiveInput, isEnvironmentName } from "./inputs";
import { PARSED_ONCE } from "./parsed-once";

export * from "./schema";
export { ConfigError } from "./errors";
export * from "./pipelines";
export { environmentInput, isEnvironmentName } from "./inputs";

/** Validates any input (an environment file, or a test's variant of one); throws one ConfigError listing all faults. */
export function parseEnvironment(input: unknown, source = "environment"): EnvironmentConfig {
  const result = environmentSchema.safeParse(input, PARSED_ONCE);
  if (result.success) return result.data;
  throw configErrorOf(input, result.error.issues, source);
}

/** Validates one pipeline declaration; throws one ConfigError naming every bad field and its fix. */
export function parsePipeline(name: string, input: unknown, source = `environments/pipelines.ts ${name}`): Pipeline {
  const result = pipelineSchema.safeParse(input, PARSED_ONCE);
  if (result.success) return result.data;
  throw configErrorOf(input, result.error.issues, source);
}

/**
 * The pipelines `config` enables, validated (all faults of all of them in one error), each on the runtime the
 * environment gives it (`pipelines.<name>.runtime`, else its declaration's).
 */
export function loadPipelines(config: EnvironmentConfig, declared: Record<string, unknown> = PIPELINES): Record<string, Pipeline> {
  const out: Record<string, Pipeline> = {};
  const errors: ConfigError[] = [];
  for (const name of Object.keys(config.pipelines)) {
    try {
      const pipeline = parsePipeline(name, declared[name]);
      out[name] = { ...pipeline, runtime: config.pipelines[name].runtime ?? pipeline.runtime };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      errors.push(error);
    }
  }
  if (errors.length) throw new ConfigError(errors.map((e) => e.message).join("\n"), errors.flatMap((e) => e.problems));
  return out;
}

/**
 * Every declared pipeline, validated, whatever an environment enables: what the catalog derives table locations from,
 * so a table's location is the same in every environment.
 */
export function declaredPipelines(declared: Record<string, unknown> = PIPELINES): Record<string, Pipeline> {
  return Object.fromEntries(Object.entries(declared).map(([name, input]) => [name, parsePipeline(name, input)]));
}

/**
 * The validated config of `name`. The local environment's endpoint can be moved with EMR_LOCAL_ENDPOINT (tests start
 * moto's server on a free port).
 */
export function loadEnvironment(name: string, env: NodeJS.ProcessEnv = process.env): EnvironmentConfig {
  if (!isEnvironmentName(name)) {
    throw new ConfigError(`unknown environment "${name}"; fix: use one of ${ENVIRONMENT_NAMES.join(", ")}`);
  }
  return parseEnvironment(effectiveInput(name, env), `environments/${name}.ts`);
}

export function loadAllEnvironments(env: NodeJS.ProcessEnv = process.env): EnvironmentConfig[] {
  return ENVIRONMENT_NAMES.map((n) => loadEnvironment(n, env));
}
