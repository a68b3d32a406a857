/** Reads a synthesized stack from cdktf's output directory. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { StackJson } from "./stack-json";
import { stackId } from "../contracts/stack-outputs";

export type StackFile =
  | { readonly status: "ok"; readonly path: string; readonly json: StackJson }
  | { readonly status: "missing" | "invalid"; readonly path: string; readonly message: string };

export function stackFilePath(outdir: string, environment: string): string {
  return join(outdir, "stacks", stackId(environment), "cdk.tf.json");
}

export function readStackFile(outdir: string, environment: string): StackFile {
  const path = stackFilePath(outdir, environment);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return { status: "missing", path, message: `${path} not found; fix: run \`npm run synth\` first` };
  }
  try {
    return { status: "ok", path, json: JSON.parse(text) as StackJson };
  } catch {
    return { status: "invalid", path, message: `${path} is not valid JSON; fix: rerun \`npm run synth\`` };
  }
}
