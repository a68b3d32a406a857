/**
 * The environments' raw inputs (the files beside this one), before validation, and the one override the process
 * environment makes to them. Kept apart from the schemas so that code can name what it would validate without
 * building them (validation-memo.ts).
 */
import type { EnvironmentInput } from "./schema";
import { ENVIRONMENT_NAMES, type EnvironmentName } from "./names";
import { dev } from "./dev";
import { local } from "./local";
import { prod } from "./prod";
import { staging } from "./staging";

const ENVIRONMENTS: Record<EnvironmentName, EnvironmentInput> = { dev, staging, prod, local };

export function isEnvironmentName(name: string): name is EnvironmentName {
  return (ENVIRONMENT_NAMES as readonly string[]).includes(name);
}

/** The raw (unvalidated) input of a named environment, for tests and tooling that derive variants. */
export function environmentInput(name: EnvironmentName): EnvironmentInput {
  return structuredClone(ENVIRONMENTS[name]);
}

/**
 * What loadEnvironment validates for `name`: its input, with the local environment's endpoint moved by
 * EMR_LOCAL_ENDPOINT (tests start moto's server on a free port).
 */
export function effectiveInput(name: EnvironmentName, env: NodeJS.ProcessEnv): EnvironmentInput {
  const input = environmentInput(name);
  if (name === "local" && env.EMR_LOCAL_ENDPOINT) input.endpoint = env.EMR_LOCAL_ENDPOINT;
  return input;
}
