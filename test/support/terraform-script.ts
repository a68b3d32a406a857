/**
 * Scripted answers of a fake terraform + synth for the recording runner: synth writes the stack like `npm run synth`
 * would, `plan` exits with -detailed-exitcode, `output -json`/`show -json` return the given JSON.
 */
import { writeStack } from "./cli-harness";
import { outputJson, type RecordedCall, type Script } from "./recording-runner";

export interface FakeTerraform {
  root: string;
  env: string;
  terraformBin: string;
  /** -detailed-exitcode of plan. @default 2 */
  planExit?: number;
  planJson?: object;
  outputs?: Record<string, string | boolean>;
  state?: object;
  /** Override any call (return undefined to fall through). */
  override?: (call: RecordedCall) => ReturnType<Script>;
}

export const PLAN_3_1_0 = {
  resource_changes: [
    { address: "aws_emr_cluster.cluster_A4C38409", mode: "managed", change: { actions: ["create"] } },
    { address: "aws_s3_bucket.storage_data_bucket_77B590E3", mode: "managed", change: { actions: ["create"] } },
    { address: "aws_s3_bucket.storage_logs_bucket_F30D43C9", mode: "managed", change: { actions: ["create"] } },
    { address: "aws_emr_instance_group.cluster_task_32606533", mode: "managed", change: { actions: ["update"] } },
  ],
};

export function fakeTerraform(fake: FakeTerraform): Script {
  return async (call) => {
    const overridden = await fake.override?.(call);
    if (overridden) return overridden;
    if (call.file === process.execPath && call.args.at(-1) === "scripts/bin/synth.cjs") {
      writeStack(fake.root, fake.env);
      return undefined;
    }
    if (call.file !== fake.terraformBin) return { exitCode: 127, stderr: `unexpected command ${call.file}` };
    const [first, sub] = call.args;
    if (first === "version") return { stdout: '{"terraform_version":"1.10.5","platform":"linux_amd64"}' };
    if (sub === "plan") return { exitCode: fake.planExit ?? 2, stdout: "Plan: 3 to add, 1 to change, 0 to destroy.\n" };
    if (sub === "show" && call.args.length === 4) return { stdout: JSON.stringify(fake.planJson ?? PLAN_3_1_0) };
    if (sub === "show") return { stdout: JSON.stringify(fake.state ?? { format_version: "1.0" }) };
    if (sub === "output") return { stdout: outputJson(fake.outputs ?? {}) };
    return undefined;
  };
}
