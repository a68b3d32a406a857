/**
 * Operator CLI benchmark against moto's server on loopback:
 *   - `info` latency: in-process (runCli, clients rebuilt per call as in a fresh process);
 *   - start-up as people run it, whole-process through the package bin: `emr --help` and `emr info local --json`
 *     (target: each at most 300 ms), next to the floor, a bare `node -e 0`, and info's peer, the same three EMR calls
 *     made with the AWS SDK alone (bench/emr-sdk-peer.cjs), run in turn with them;
 *   - upload: the real spark-jobs/ tree uploaded twice; the skip ratio of the second run (1.0 = nothing re-sent);
 *   - `pipeline status` latency (target < 1 s), see bench/pipeline-status-bench.ts.
 *
 *   tsx bench/cli-bench.ts [--runs 30] [--process-runs 10] [--json <file>]
 */
import { EMRClient } from "@aws-sdk/client-emr";
import { S3Client } from "@aws-sdk/client-s3";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runCli } from "../scripts/cli";
import { DEFAULT_TIMING, type CliDeps } from "../scripts/lib/context";
import { ExecaRunner } from "../scripts/lib/process-runner";
import { createBuckets, createCluster } from "../test/support/emr-fixture";
import { motoEnvironment, startMoto } from "../test/support/moto-server";
import { loadEnvironment } from "../environments";
import { clusterName } from "../scripts/lib/cluster";
import { argValue } from "./bench-support";
import { benchPipelineStatus } from "./pipeline-status-bench";

const ROOT = path.resolve(__dirname, "..");
/** The package bin `emr` (what `npm run emr` runs): the compiled bundle, rebuilt first if a source changed. */
const EMR_BIN = path.join(ROOT, "scripts", "bin", "emr.cjs");
/** Issue #21's target for a whole `emr --help` or `emr info` process. */
const CLI_TARGET_MS = 300;

function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
  const round = (x: number) => Math.round(x * 10) / 10;
  return { runs: s.length, medianMs: round(at(0.5)), p95Ms: round(at(0.95)), minMs: round(s[0]), maxMs: round(s[s.length - 1]) };
}

function sink() {
  let text = "";
  return { isTTY: false, write: (s: string) => ((text += s), true), text: () => text };
}

function deps(repoRoot: string): CliDeps & { stdout: ReturnType<typeof sink>; stderr: ReturnType<typeof sink> } {
  return {
    env: process.env,
    stdout: sink(),
    stderr: sink(),
    runner: new ExecaRunner(),
    repoRoot,
    signal: new AbortController().signal,
    timing: DEFAULT_TIMING,
    runId: () => "bench",
    nodeVersion: process.version,
    now: Date.now,
  };
}

async function cli(argv: string[], repoRoot: string): Promise<{ ms: number; stdout: string }> {
  const d = deps(repoRoot);
  const started = performance.now();
  const code = await runCli(argv, d);
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`emr ${argv.join(" ")} exited ${code}: ${d.stderr.text()}`);
  return { ms, stdout: d.stdout.text() };
}

function wholeProcess(argv: string[], env: NodeJS.ProcessEnv): number {
  const started = performance.now();
  const r = spawnSync(argv[0], argv.slice(1), { cwd: ROOT, env, encoding: "utf8" });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`${argv.join(" ")} exited ${r.status}: ${r.stderr}`);
  return ms;
}

async function main(): Promise<void> {
  const runs = Number(argValue("--runs", "30"));
  const processRuns = Number(argValue("--process-runs", "10"));
  const moto = await startMoto();
  try {
    const env = { ...process.env, ...motoEnvironment(moto.endpoint) };
    for (const key of ["AWS_PROFILE", "AWS_SESSION_TOKEN", "TERRAFORM_BIN"]) delete env[key];
    Object.assign(process.env, env);

    const clusterId = await createCluster(new EMRClient({ region: "us-east-1" }), { environment: "local", withAutoscaling: true });
    await createBuckets(new S3Client({ region: "us-east-1", forcePathStyle: true }), ["emr-local-artifacts"]);
    // A repository without a synthesized stack: info resolves the cluster through the EMR API (the slower path).
    const emptyRepo = mkdtempSync(path.join(tmpdir(), "emr-bench-"));

    const first = await cli(["info", "local", "--json"], emptyRepo);
    if (JSON.parse(first.stdout).cluster.id !== clusterId) throw new Error("info found the wrong cluster");
    const inProcess = [];
    for (let i = 0; i < runs; i++) inProcess.push((await cli(["info", "local", "--json"], emptyRepo)).ms);
    const inProcessById = [];
    for (let i = 0; i < runs; i++) inProcessById.push((await cli(["info", "local", "--json", "--cluster-id", clusterId], emptyRepo)).ms);

    // The three in turn (floor, help, info), so a drift in the machine's speed hits each alike.
    const peer = [path.join(ROOT, "bench", "emr-sdk-peer.cjs"), clusterName(loadEnvironment("local").project, "local")];
    const commands = { floor: ["-e", "0"], help: [EMR_BIN, "--help"], info: [EMR_BIN, "info", "local", "--json"], peer };
    for (const argv of Object.values(commands)) wholeProcess([process.execPath, ...argv], env); // warm-up (and a rebuild if stale)
    // A second for info: the first validated the environment (moto's port is new), and such a run records no code cache.
    wholeProcess([process.execPath, ...commands.info], env);
    const startMs = { floor: [] as number[], help: [] as number[], info: [] as number[], peer: [] as number[] };
    for (let i = 0; i < processRuns; i++) for (const [name, argv] of Object.entries(commands)) startMs[name as keyof typeof commands].push(wholeProcess([process.execPath, ...argv], env));
    const startup = (name: "help" | "info", command: string) => {
      const s = stats(startMs[name]);
      return { ...s, command, targetMs: CLI_TARGET_MS, ratioToFloor: Math.round((s.medianMs / stats(startMs.floor).medianMs) * 10) / 10 };
    };
    const ratioToPeer = Math.round((stats(startMs.info).medianMs / stats(startMs.peer).medianMs) * 100) / 100;

    const jobsDir = path.join(ROOT, "spark-jobs");
    const upload = async () => {
      const r = await cli(["upload", "local", "--artifacts-bucket", "emr-local-artifacts", "--jobs-dir", jobsDir], ROOT);
      const [, uploaded, skipped] = /(\d+) uploaded .*, (\d+) unchanged/.exec(r.stdout) ?? [];
      return { ms: Math.round(r.ms), uploaded: Number(uploaded), skipped: Number(skipped) };
    };
    const firstUpload = await upload();
    const secondUpload = await upload();
    const total = secondUpload.uploaded + secondUpload.skipped;
    const pipelineStatus = await benchPipelineStatus({ endpoint: moto.endpoint, cli, stats, env }, runs, processRuns);

    const result = {
      endpoint: "moto_server 5.2.5 on 127.0.0.1",
      info: {
        inProcessViaEmrApi: { ...stats(inProcess), firstCallMs: Math.round(first.ms), calls: "ListClusters, DescribeCluster, ListInstanceGroups" },
        inProcessWithClusterId: { ...stats(inProcessById), calls: "DescribeCluster, ListInstanceGroups" },
      },
      startup: {
        floor: { ...stats(startMs.floor), command: "node -e 0" },
        help: startup("help", "node scripts/bin/emr.cjs --help"),
        info: { ...startup("info", "node scripts/bin/emr.cjs info local --json"), ratioToPeer },
        peer: { ...stats(startMs.peer), command: "node bench/emr-sdk-peer.cjs emr-platform-local", ratioToFloor: Math.round((stats(startMs.peer).medianMs / stats(startMs.floor).medianMs) * 10) / 10 },
      },
      upload: {
        artifacts: total,
        firstRun: firstUpload,
        secondRun: secondUpload,
        firstRunUploadRatio: firstUpload.uploaded / total,
        secondRunSkipRatio: secondUpload.skipped / total,
      },
      pipelineStatus,
    };
    const text = JSON.stringify(result, null, 2);
    console.log(text);
    const out = argValue("--json");
    if (out) writeFileSync(out, `${text}\n`);
  } finally {
    await moto.stop();
  }
}

main().catch((err: Error) => {
  console.error(`cli-bench: ${err.message}`);
  process.exitCode = 1;
});
