/**
 * The pipelines an environment runs, as the stack's `pipelines` output describes them (contracts/stack-outputs.ts): the CLI
 * never guesses a state machine's name. The output is a JSON-encoded map, validated here so a malformed one is one
 * clear line instead of a crash deep in a command.
 */
import { z } from "zod";
import { type EnvironmentConfig, PIPELINE_RUNTIMES, PIPELINES } from "../../environments";
import { resourcePrefix } from "../../contracts/stack-outputs";
import { CliError } from "./errors";
import { parseStatesArn, STATE_MACHINE_ARN } from "./states-arn";
import type { PartialOutputs } from "./stack-outputs";
import { PARSED_ONCE } from "../../environments/parsed-once";


const PipelineSchema = z.object({
  stateMachineArn: z.string().regex(STATE_MACHINE_ARN, "a state machine ARN"),
  runtime: z.enum(PIPELINE_RUNTIMES),
  schedule: z.object({ cron: z.string(), timezone: z.string() }).nullable().optional(),
  trigger: z.object({ prefix: z.string(), marker: z.string() }).nullable().optional(),
  steps: z.array(z.string()),
});

const PipelinesSchema = z.record(z.string(), PipelineSchema);

type Described = z.infer<typeof PipelineSchema>;

/** A pipeline; only name and ARN are known when it comes from --state-machine-arn instead of the outputs. */
export type PipelineInfo = { name: string; stateMachineArn: string } & Partial<Omit<Described, "stateMachineArn">>;

/** Parses the output's value; throws one line naming the first bad field. */
export function parsePipelines(json: string): PipelineInfo[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new CliError("the stack's pipelines output is not JSON; fix: redeploy the environment (npm run deploy -- <env>)");
  }
  const parsed = PipelinesSchema.safeParse(raw, PARSED_ONCE);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(`the stack's pipelines output is malformed at ${issue.path.join(".") || "(root)"}: ${issue.message}; fix: redeploy the environment`);
  }
  return Object.entries(parsed.data)
    .map(([name, info]) => ({ name, ...info }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The environment's pipelines from the outputs; `unavailable` says why there are no outputs. `arnOption`: whether the
 * command accepts --state-machine-arn (list does not), so the fix names only what the command takes.
 */
export function pipelinesFromOutputs(environment: string, outputs: PartialOutputs, unavailable: string | undefined, arnOption = true): PipelineInfo[] {
  if (outputs.pipelines === undefined) {
    const why = unavailable ?? "the stack has no pipelines output (deployed before pipelines existed)";
    throw new CliError(`the pipelines of ${environment} are unknown: ${why}; fix: npm run deploy -- ${environment}${arnOption ? ", or pass --state-machine-arn" : ""}`);
  }
  return parsePipelines(outputs.pipelines);
}

/**
 * The pipeline `name` of the outputs. A name missing there is told apart: declared in environments/pipelines.ts but
 * not enabled in the environment, enabled but not deployed yet, or unknown.
 */
export function findPipeline(environment: string, pipelines: readonly PipelineInfo[], name: string, config?: Pick<EnvironmentConfig, "pipelines">): PipelineInfo {
  const found = pipelines.find((p) => p.name === name);
  if (found) return found;
  if (config && Object.hasOwn(config.pipelines ?? {}, name)) {
    throw new CliError(`${name} is enabled in environments/${environment}.ts but the stack's outputs do not name it (deployed before it was enabled?); fix: npm run deploy -- ${environment}`);
  }
  if (Object.hasOwn(PIPELINES, name)) {
    throw new CliError(`${environment} does not run ${name} (declared in environments/pipelines.ts, not enabled here); fix: add it to pipelines in environments/${environment}.ts and deploy`);
  }
  if (pipelines.length === 0) throw new CliError(`${environment} runs no pipelines; fix: enable one in environments/${environment}.ts and deploy`);
  throw new CliError(`unknown pipeline "${name}" in ${environment}; fix: one of ${pipelines.map((p) => p.name).join(", ")}`);
}

/** The state machine name the stack gives a pipeline: <project>-<env>-<kebab-name>. */
export const stateMachinePrefix = (config: Pick<EnvironmentConfig, "project" | "name">): string => `${resourcePrefix(config)}-`;

/**
 * `--state-machine-arn`: a pipeline known only by its ARN (outputs not readable). Refused, unless `force`, when the
 * ARN is not this environment's: its name lacks the <project>-<env>- prefix every pipeline of the environment has,
 * or its region or account is not the environment's (as --cluster-id refuses another environment's cluster).
 */
export function pipelineFromArn(arn: string, name: string, config: Pick<EnvironmentConfig, "project" | "name" | "region" | "accountId">, force = false): PipelineInfo {
  const parsed = STATE_MACHINE_ARN.exec(arn) ? parseStatesArn(arn) : undefined;
  if (!parsed) throw new CliError(`--state-machine-arn ${JSON.stringify(arn)} is not a state machine ARN${/\s/.test(arn) ? " (it contains whitespace)" : ""}; fix: arn:aws:states:<region>:<account>:stateMachine:<name>`);
  const problems: string[] = [];
  const prefix = stateMachinePrefix(config);
  if (!parsed.stateMachine.startsWith(prefix)) problems.push(`its name ${parsed.stateMachine} does not start with ${prefix}`);
  if (parsed.region !== config.region) problems.push(`its region ${parsed.region} is not ${config.name}'s ${config.region}`);
  if (config.accountId && parsed.account !== config.accountId) problems.push(`its account ${parsed.account} is not ${config.name}'s ${config.accountId}`);
  if (problems.length > 0 && !force) {
    throw new CliError(`--state-machine-arn "${arn}" is not a state machine of ${config.name}: ${problems.join(", ")}; nothing was done. fix: pass ${config.name}'s ARN (npm run emr -- pipeline list ${config.name}), or --force to use it anyway`);
  }
  return { name, stateMachineArn: arn };
}
