/**
 * The pipelines an environment runs, as the stack's `pipelines` output describes them (modules/outputs.ts): the CLI
 * never guesses a state machine's name. The output is a JSON-encoded map, validated here so a malformed one is one
 * clear line instead of a crash deep in a command.
 */
import { z } from "zod";
import { CliError } from "./errors";
import type { PartialOutputs } from "./stack-outputs";

const PipelineSchema = z.object({
  stateMachineArn: z.string().regex(/^arn:aws[a-z-]*:states:[^:]+:\d{12}:stateMachine:[^:]+$/, "a state machine ARN"),
  runtime: z.enum(["transient", "cluster"]),
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
  const parsed = PipelinesSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(`the stack's pipelines output is malformed at ${issue.path.join(".") || "(root)"}: ${issue.message}; fix: redeploy the environment`);
  }
  return Object.entries(parsed.data)
    .map(([name, info]) => ({ name, ...info }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The environment's pipelines from the outputs; `unavailable` says why there are no outputs. */
export function pipelinesFromOutputs(environment: string, outputs: PartialOutputs, unavailable: string | undefined): PipelineInfo[] {
  if (outputs.pipelines === undefined) {
    const why = unavailable ?? "the stack has no pipelines output (deployed before pipelines existed)";
    throw new CliError(`the pipelines of ${environment} are unknown: ${why}; fix: npm run deploy -- ${environment}, or pass --state-machine-arn`);
  }
  return parsePipelines(outputs.pipelines);
}

export function findPipeline(environment: string, pipelines: readonly PipelineInfo[], name: string): PipelineInfo {
  const found = pipelines.find((p) => p.name === name);
  if (found) return found;
  if (pipelines.length === 0) throw new CliError(`${environment} runs no pipelines; fix: enable one in environments/${environment} and deploy`);
  throw new CliError(`unknown pipeline "${name}" in ${environment}; fix: one of ${pipelines.map((p) => p.name).join(", ")}`);
}

/** `--state-machine-arn`: a pipeline known only by its ARN (outputs not readable); the name is the ARN's last part. */
export function pipelineFromArn(arn: string): PipelineInfo {
  const parsed = PipelineSchema.shape.stateMachineArn.safeParse(arn);
  if (!parsed.success) throw new CliError(`--state-machine-arn "${arn}" is not a state machine ARN; fix: arn:aws:states:<region>:<account>:stateMachine:<name>`);
  return { name: arn.split(":").pop()!, stateMachineArn: arn };
}
