/**
 * The stack's Terraform outputs (`terraform output -json`): the CLI's source of cluster id, bucket names and
 * prefixes. When no state is readable the caller falls back to the EMR API for the cluster; bucket names are never
 * guessed.
 */
import { existsSync } from "node:fs";
import { STACK_OUTPUTS, type StackOutputKey, type StackOutputs } from "../../contracts/stack-outputs";
import type { Terraform } from "./terraform";

export type PartialOutputs = Partial<StackOutputs>;

export interface OutputsResult {
  outputs: PartialOutputs;
  /** Why no outputs were read, for the "(found through the EMR API because …)" note. */
  unavailable?: string;
}

const KEY_BY_OUTPUT_NAME = new Map<string, StackOutputKey>(
  (Object.entries(STACK_OUTPUTS) as [StackOutputKey, string][]).map(([key, name]) => [name, key]),
);

/** `terraform output -json` → our keys; non-string values (termination_protected: true) become strings. */
export function parseOutputsJson(json: string): PartialOutputs {
  const parsed = JSON.parse(json) as Record<string, { value?: unknown }>;
  const outputs: PartialOutputs = {};
  for (const [name, entry] of Object.entries(parsed)) {
    const key = KEY_BY_OUTPUT_NAME.get(name);
    const value = entry?.value;
    if (!key || value === null || value === undefined || value === "") continue;
    outputs[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return outputs;
}

export async function readStackOutputs(terraform: Terraform | undefined, reasonNoTerraform?: string): Promise<OutputsResult> {
  if (!terraform) return { outputs: {}, unavailable: reasonNoTerraform ?? "terraform is not available" };
  const { paths } = terraform;
  if (!existsSync(paths.config)) return { outputs: {}, unavailable: `the stack is not synthesized (no ${paths.relativeDir}/cdk.tf.json)` };
  if (!existsSync(paths.initialized)) return { outputs: {}, unavailable: `${paths.relativeDir} is not initialised (deploy or plan it first)` };
  const result = await terraform.output();
  if (result.exitCode !== 0) {
    const detail = result.stderr.split("\n").find((l) => /Error/.test(l))?.replace(/^[│\s]+/, "").trim();
    return { outputs: {}, unavailable: `terraform output failed${detail ? `: ${detail}` : ` (exit ${result.exitCode})`}` };
  }
  let outputs: PartialOutputs;
  try {
    outputs = parseOutputsJson(result.stdout);
  } catch {
    return { outputs: {}, unavailable: "terraform output -json printed something that is not JSON" };
  }
  if (Object.keys(outputs).length === 0) return { outputs, unavailable: "the state has no outputs (not deployed yet)" };
  return { outputs };
}
