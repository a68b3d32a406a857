/**
 * `pipeline status` latency against moto (target: under 1 s). The pipeline is a 40-state chain that ends in a failed
 * quality gate, so status reads a realistic history (80+ events) and takes the failure path. Stack outputs come from
 * a stand-in terraform (a shell script printing `output -json`), so the CLI spawns a process for them as it would
 * for the real binary, but without terraform's own start-up (about 0.2–0.5 s on a real state; not measured here).
 */
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createStateMachine, enableExecution } from "../test/support/sfn-fixture";

const ROOT = path.resolve(__dirname, "..");
const STATES = 40;

function longPipeline(): object {
  const states: Record<string, object> = {};
  for (let i = 0; i < STATES; i++) states[`step${i}`] = { Type: "Pass", Next: i + 1 < STATES ? `step${i + 1}` : "QualityGateFailed" };
  states.QualityGateFailed = { Type: "Fail", Error: "QualityGateFailed", Cause: "data_quality found violations" };
  return { StartAt: "step0", States: states };
}

/** A repository whose local stack is "deployed": cdk.tf.json, .terraform/ and a terraform that prints the outputs. */
function repoWithOutputs(outputs: Record<string, string>): { root: string; terraformBin: string } {
  const root = mkdtempSync(path.join(tmpdir(), "emr-pipeline-bench-"));
  const stack = path.join(root, "cdktf.out", "stacks", "emr-local");
  mkdirSync(path.join(stack, ".terraform"), { recursive: true });
  writeFileSync(path.join(stack, "cdk.tf.json"), "{}");
  const json = JSON.stringify(Object.fromEntries(Object.entries(outputs).map(([k, value]) => [k, { sensitive: false, type: "string", value }])));
  writeFileSync(path.join(root, "outputs.json"), json);
  const terraformBin = path.join(root, "terraform");
  writeFileSync(terraformBin, `#!/bin/sh\ncat '${path.join(root, "outputs.json")}'\n`);
  chmodSync(terraformBin, 0o755);
  return { root, terraformBin };
}

export interface StatusBenchDeps {
  endpoint: string;
  /** Runs the CLI in-process; returns wall milliseconds and stdout (throws on a non-zero exit). */
  cli: (argv: string[], repoRoot: string) => Promise<{ ms: number; stdout: string }>;
  stats: (ms: number[]) => object;
  env: NodeJS.ProcessEnv;
}

export async function benchPipelineStatus(deps: StatusBenchDeps, runs: number, processRuns: number): Promise<object> {
  await enableExecution(deps.endpoint);
  const sfn = new SFNClient({ region: "us-east-1" });
  const stateMachineArn = await createStateMachine(sfn, "emr-platform-local-financialDaily", longPipeline());
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: "bench", input: JSON.stringify({ date: "2026-01-12" }) }));
  for (let i = 0; i < 200 && (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status === "RUNNING"; i++) await sleep(100);

  const pipelines = { financialDaily: { stateMachineArn, runtime: "transient", schedule: null, trigger: null, steps: [] } };
  const { root, terraformBin } = repoWithOutputs({ pipelines: JSON.stringify(pipelines), logs_bucket: "emr-local-logs" });
  const argv = ["pipeline", "status", "local", "financialDaily", "--terraform-bin", terraformBin];

  const first = await deps.cli(argv, root);
  if (!first.stdout.includes('failed at "QualityGateFailed"')) throw new Error(`pipeline status did not report the failure:\n${first.stdout}`);
  const inProcess = [];
  for (let i = 0; i < runs; i++) inProcess.push((await deps.cli(argv, root)).ms);
  const byName = [];
  for (let i = 0; i < runs; i++) byName.push((await deps.cli([...argv, "bench"], root)).ms);

  // A whole process resolves the repository from its own location, so it names the state machine directly.
  const wholeArgv = ["scripts/bin/emr.cjs", "pipeline", "status", "local", "financialDaily", "--state-machine-arn", stateMachineArn];
  const whole = () => {
    const started = performance.now();
    const r = spawnSync(process.execPath, wholeArgv, { cwd: ROOT, env: deps.env, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`pipeline status exited ${r.status}: ${r.stderr}`);
    return performance.now() - started;
  };
  whole(); // warm the file cache (and build the bundle if a source changed)
  const wholeProcess = Array.from({ length: processRuns }, whole);
  return {
    target: "under 1000 ms",
    historyEvents: STATES * 2 + 4,
    inProcessLatest: { ...deps.stats(inProcess), firstCallMs: Math.round(first.ms), calls: "terraform output, ListExecutions, DescribeExecution + GetExecutionHistory (parallel)" },
    inProcessByName: { ...deps.stats(byName), calls: "terraform output, DescribeExecution + GetExecutionHistory (parallel)" },
    wholeProcess: { ...deps.stats(wholeProcess), command: "node scripts/bin/emr.cjs pipeline status local financialDaily --state-machine-arn <arn>" },
  };
}
