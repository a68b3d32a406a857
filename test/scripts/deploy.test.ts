// deploy and plan: the cdktf/terraform side through the recording runner (exact argv), the AWS side against moto.
// Where moto cannot produce a state (a cluster that fails or takes time to start), DescribeCluster is recorded.
import { EMRClient } from "@aws-sdk/client-emr";
import { HeadObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { runCaptured, tempRepo } from "../support/cli-harness";
import { createBuckets, createCluster } from "../support/emr-fixture";
import { useMoto } from "../support/moto-server";
import { clusterIn, recordedEmr, TERMINATED_WITH_ERRORS } from "../support/recorded-emr";
import { RecordingRunner } from "../support/recording-runner";
import { fakeTerraform } from "../support/terraform-script";

const moto = useMoto();
const emr = () => new EMRClient({ region: "us-east-1" });
const s3 = () => new S3Client({ region: "us-east-1", forcePathStyle: true });
const CHDIR = "-chdir=cdktf.out/stacks/emr-local";

function outputs(clusterId: string) {
  return {
    cluster_id: clusterId,
    cluster_name: "emr-platform-local",
    artifacts_bucket: "emr-local-artifacts",
    data_bucket: "emr-local-data",
    logs_bucket: "emr-local-logs",
    jobs_prefix: "jobs/",
    raw_prefix: "raw/",
    processed_prefix: "processed/",
    rejected_prefix: "rejected/",
    termination_protected: false,
    kms_key_arn: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
  };
}

async function setup() {
  const clusterId = await createCluster(emr(), { environment: "local" });
  const repo = tempRepo();
  return { clusterId, ...repo };
}

beforeEach(async () => {
  await moto().reset();
  await createBuckets(s3(), ["emr-local-artifacts", "emr-local-data", "emr-local-logs"]);
});

describe("deploy", () => {
  it("runs the eight phases in order with the exact terraform argv, uploads the jobs and prints connection info", async () => {
    const { clusterId, root, terraformBin } = await setup();
    const runner = new RecordingRunner(fakeTerraform({ root, env: "local", terraformBin, outputs: outputs(clusterId) }));
    const run = await runCaptured(["deploy", "local", "--terraform-bin", terraformBin, "--skip-test"], root, { runner });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);

    const phases = run.stdout.split("\n").filter((l) => /^\[\d\/8\]/.test(l)).map((l) => l.replace(/ in [\d.]+s/, " in Ns"));
    expect(phases).toEqual([
      "[1/8] prerequisites …",
      "[1/8] prerequisites … done in Ns",
      "[2/8] synth/init …",
      "[2/8] synth/init … done in Ns",
      "[3/8] validate …",
      "[3/8] validate … done in Ns",
      "[4/8] deploy …",
      "[4/8] deploy … done in Ns",
      "[5/8] wait for cluster …",
      `[5/8] wait for cluster … done in Ns (${clusterId})`,
      "[6/8] upload jobs …",
      "[6/8] upload jobs … done in Ns (5 uploaded, 0 unchanged)",
      "[7/8] validation test …",
      "[7/8] validation test … done in Ns",
      "[8/8] connection info …",
      "[8/8] connection info … done in Ns",
    ]);
    expect(runner.calls.map((c) => [c.file === terraformBin ? "terraform" : c.file === process.execPath ? "node" : c.file, ...c.args])).toEqual([
      ["terraform", "version", "-json"],
      ["node", "scripts/bin/synth.cjs"],
      ["terraform", CHDIR, "init", "-input=false", "-no-color"],
      ["terraform", CHDIR, "validate", "-no-color"],
      ["terraform", CHDIR, "plan", "-input=false", "-out=emr-local.tfplan", "-detailed-exitcode", "-no-color"],
      ["terraform", CHDIR, "show", "-json", "emr-local.tfplan"],
      ["terraform", CHDIR, "apply", "-input=false", "-no-color", "emr-local.tfplan"],
      ["terraform", CHDIR, "output", "-json"],
    ]);
    expect(runner.calls[1].options.cwd).toBe(root);
    expect(run.stdout).toContain("  node 20.20.2\n");
    expect(run.stdout).toContain(`  ${terraformBin} 1.10.5\n`);
    expect(run.stdout).toContain("  aws arn:aws:sts::123456789012:user/moto (no accountId in the environment: account not checked)\n");
    expect(run.stdout).toContain(`  region us-east-1 via ${moto().endpoint}\n`);
    expect(run.stdout).toContain("  emr-local: 3 to add, 1 to change, 0 to destroy\n");
    expect(run.stdout).toContain("  skipped (--skip-test); run it later with: npm run emr -- test local\n");
    expect(run.stdout).toContain(`local (us-east-1) — cluster found through terraform outputs`);
    expect(run.stdout).toContain("    artifacts      s3://emr-local-artifacts/jobs/");
    const listed = await s3().send(new ListObjectsV2Command({ Bucket: "emr-local-artifacts" }));
    // The five job artifacts and the code manifest scheduled pipeline runs read.
    expect(listed.KeyCount).toBe(6);
    expect(listed.Contents!.map((o) => o.Key)).toContain("jobs/pipeline-code.json");
    // Uploads name the stack's KMS key, so a bucket policy that insists on SSE-KMS accepts them.
    const head = await s3().send(new HeadObjectCommand({ Bucket: "emr-local-artifacts", Key: listed.Contents![0].Key }));
    expect(head.ServerSideEncryption).toBe("aws:kms");
    expect(head.SSEKMSKeyId).toBe("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab");
  });

  it("--plan-only stops after the plan and applies nothing", async () => {
    const { clusterId, root, terraformBin } = await setup();
    const runner = new RecordingRunner(fakeTerraform({ root, env: "local", terraformBin, outputs: outputs(clusterId) }));
    const run = await runCaptured(["deploy", "local", "--terraform-bin", terraformBin, "--plan-only"], root, { runner });
    expect(run.code).toBe(0);
    expect(runner.argvOf(terraformBin).map((a) => (a[0].startsWith("-chdir") ? a[1] : a[0]))).toEqual(["version", "init", "validate", "plan", "show"]);
    expect(run.stdout).toContain("  --plan-only: stopping here; the saved plan is cdktf.out/stacks/emr-local/emr-local.tfplan\n");
    expect(run.stdout).toContain("[4/8] deploy … done in");
    expect(run.stdout).not.toContain("[5/8]");
  });

  it("skips apply when the plan has no changes (a rerun after success)", async () => {
    const { clusterId, root, terraformBin } = await setup();
    const runner = new RecordingRunner(fakeTerraform({ root, env: "local", terraformBin, planExit: 0, outputs: outputs(clusterId) }));
    const run = await runCaptured(["deploy", "local", "--terraform-bin", terraformBin, "--skip-test"], root, { runner });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("  emr-local: no changes\n  nothing to apply\n");
    expect(runner.argvOf(terraformBin).some((a) => a[1] === "apply")).toBe(false);
  });

  it("fails with terraform's error when apply fails, and a rerun continues from there", async () => {
    const { clusterId, root, terraformBin } = await setup();
    let applies = 0;
    const script = fakeTerraform({
      root,
      env: "local",
      terraformBin,
      outputs: outputs(clusterId),
      override: (call) => (call.args[1] === "apply" && ++applies === 1 ? { exitCode: 1, stderr: "│ Error: creating EMR Cluster: ThrottlingException: Rate exceeded\n" } : undefined),
    });
    const first = await runCaptured(["deploy", "local", "--terraform-bin", terraformBin, "--skip-test"], root, { runner: new RecordingRunner(script) });
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/\[4\/8\] deploy … failed after [\d.]+s\n$/);
    expect(first.stderr).toBe("error: terraform apply failed in cdktf.out/stacks/emr-local (exit 1): Error: creating EMR Cluster: ThrottlingException: Rate exceeded\n");
    const second = await runCaptured(["deploy", "local", "--terraform-bin", terraformBin, "--skip-test"], root, { runner: new RecordingRunner(script) });
    expect(second.code).toBe(0);
  });

  it("runs the smoke test as phase 7 and reports honestly when it does not finish in time (moto steps never do)", async () => {
    const { clusterId, root, terraformBin } = await setup();
    const runner = new RecordingRunner(fakeTerraform({ root, env: "local", terraformBin, outputs: outputs(clusterId) }));
    const run = await runCaptured(["deploy", "local", "--terraform-bin", terraformBin, "--step-timeout", "0.0002"], root, { runner });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/\[7\/8\] validation test … failed after [\d.]+s\n$/);
    expect(run.stdout).toContain(`  step s-`);
    expect(run.stderr).toMatch(/^error: timed out after 0s waiting for step s-\w+; it keeps running on j-\w+\. Follow it with: npm run emr -- steps local; logs: npm run emr -- logs local s-\w+\n$/);
  });

  it("fails fast when the cluster ends TERMINATED_WITH_ERRORS (recorded DescribeCluster)", async () => {
    const { root, terraformBin } = await setup();
    const recorded = recordedEmr({ DescribeClusterCommand: [clusterIn("STARTING"), TERMINATED_WITH_ERRORS] });
    const runner = new RecordingRunner(fakeTerraform({ root, env: "local", terraformBin, outputs: outputs("j-2AXXXXXXGAPLF") }));
    const run = await runCaptured(["deploy", "local", "--terraform-bin", terraformBin], root, { runner, clients: { emr: recorded.client } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/\[5\/8\] wait for cluster … failed after [\d.]+s\n$/);
    expect(run.stderr).toBe(
      "error: cluster j-2AXXXXXXGAPLF is TERMINATED_WITH_ERRORS: BOOTSTRAP_FAILURE: On the master instance (i-0123456789abcdef0), bootstrap action 1 returned a non-zero return code\n",
    );
  });

  it("on Ctrl-C while waiting leaves everything as it is, says how to resume and exits 130 (recorded DescribeCluster)", async () => {
    const { root, terraformBin } = await setup();
    const interrupt = new AbortController();
    const recorded = recordedEmr({
      DescribeClusterCommand: () => {
        interrupt.abort();
        return clusterIn("STARTING");
      },
    });
    const runner = new RecordingRunner(fakeTerraform({ root, env: "local", terraformBin, outputs: outputs("j-2AXXXXXXGAPLF") }));
    const run = await runCaptured(["deploy", "local", "--terraform-bin", terraformBin], root, { runner, clients: { emr: recorded.client }, signal: interrupt.signal });
    expect(run.code).toBe(130);
    expect(run.stderr).toBe(
      "error: interrupted while waiting for cluster j-2AXXXXXXGAPLF; nothing was stopped or rolled back. Check it with: npm run emr -- info local; resume with: npm run deploy -- local (safe to rerun).\n",
    );
    expect(recorded.calls.filter((c) => c.command === "TerminateJobFlowsCommand")).toEqual([]);
  });

  it("fails if terraform and tofu are both missing, with the install hint", async () => {
    const { root } = tempRepo({ terraformStub: false });
    const run = await runCaptured(["deploy", "local"], root, { env: { ...process.env, PATH: "/nonexistent" } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^\[1\/8\] prerequisites …\n {2}node 20\.20\.2\n\[1\/8\] prerequisites … failed after [\d.]+s\n$/);
    expect(run.stderr).toBe(
      "error: neither terraform nor tofu is on PATH; fix: install Terraform >= 1.10 (https://developer.hashicorp.com/terraform/install) or OpenTofu >= 1.10 (https://opentofu.org/docs/intro/install/), or point --terraform-bin / TERRAFORM_BIN at the binary\n",
    );
  });

  it("fails if Node.js is too old", async () => {
    const run = await runCaptured(["deploy", "local"], tempRepo().root, { nodeVersion: "v18.19.0" });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("error: Node.js 18.19.0 is too old (this CLI needs >= 20.9.0); fix: install Node.js 20 LTS or newer\n");
  });

  it("fails if synth does not produce the stack", async () => {
    const { root, terraformBin } = tempRepo();
    const runner = new RecordingRunner((call) => (call.file === terraformBin && call.args[0] === "version" ? { stdout: '{"terraform_version":"1.11.0"}' } : undefined));
    const run = await runCaptured(["deploy", "local", "--terraform-bin", terraformBin], root, { runner });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("error: synth wrote no cdktf.out/stacks/emr-local/cdk.tf.json; fix: check that main.ts declares the stack emr-local\n");
  });
});

describe("plan", () => {
  it("prints the one-line summary and exits 2 when there are changes", async () => {
    const { root, terraformBin } = tempRepo();
    const runner = new RecordingRunner(fakeTerraform({ root, env: "local", terraformBin }));
    const run = await runCaptured(["plan", "local", "--terraform-bin", terraformBin], root, { runner });
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/\nemr-local: 3 to add, 1 to change, 0 to destroy\n$/);
    expect(runner.argvOf(terraformBin)).toEqual([
      [CHDIR, "init", "-input=false", "-no-color"],
      [CHDIR, "plan", "-input=false", "-out=emr-local.tfplan", "-detailed-exitcode", "-no-color"],
      [CHDIR, "show", "-json", "emr-local.tfplan"],
    ]);
  });

  it("exits 0 without changes", async () => {
    const { root, terraformBin } = tempRepo();
    const runner = new RecordingRunner(fakeTerraform({ root, env: "local", terraformBin, planExit: 0 }));
    const run = await runCaptured(["plan", "local", "--terraform-bin", terraformBin], root, { runner });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\nemr-local: no changes\n$/);
  });

  it("exits 1 when terraform plan fails", async () => {
    const { root, terraformBin } = tempRepo();
    const runner = new RecordingRunner(
      fakeTerraform({
        root,
        env: "local",
        terraformBin,
        override: (call) => (call.args[1] === "plan" ? { exitCode: 1, stderr: "╷\n│ Error: No valid credential sources found\n╵\n" } : undefined),
      }),
    );
    const run = await runCaptured(["plan", "local", "--terraform-bin", terraformBin], root, { runner });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/\[2\/2\] plan … failed after [\d.]+s\n$/);
    expect(run.stderr).toBe("error: terraform plan failed in cdktf.out/stacks/emr-local (exit 1): Error: No valid credential sources found\n");
  });
});

describe("Ctrl-C during terraform", () => {
  it("reports terraform's interrupted apply as an interruption (exit 130), not a failure", async () => {
    const { clusterId, root, terraformBin } = await setup();
    const interrupt = new AbortController();
    const runner = new RecordingRunner(
      fakeTerraform({
        root,
        env: "local",
        terraformBin,
        outputs: outputs(clusterId),
        override: (call) => {
          if (call.args[1] !== "apply") return undefined;
          interrupt.abort(); // the terminal's SIGINT reaches terraform and the CLI together
          return { exitCode: 1, stderr: "Interrupt received.\nError: execution halted\n" };
        },
      }),
    );
    const run = await runCaptured(["deploy", "local", "--terraform-bin", terraformBin], root, { runner, signal: interrupt.signal });
    expect(run.code).toBe(130);
    expect(run.stderr).toBe(
      "error: interrupted (Ctrl-C): terraform apply failed in cdktf.out/stacks/emr-local (exit 1): Error: execution halted. Nothing was rolled back; rerunning the same command is safe.\n",
    );
  });
});
