// destroy: confirmation, termination protection and kept buckets. Terraform through the recording runner (exact
// argv); the live protection flag and the caller's account come from moto.
import { EMRClient } from "@aws-sdk/client-emr";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { PROTECTION_OVERRIDE_FILE } from "../../scripts/commands/destroy";
import { runCaptured, tempRepo } from "../support/cli-harness";
import { createCluster } from "../support/emr-fixture";
import { useMoto } from "../support/moto-server";
import { type RecordedCall, RecordingRunner } from "../support/recording-runner";
import { fakeTerraform } from "../support/terraform-script";

const moto = useMoto();
const emr = () => new EMRClient({ region: "us-east-1" });

function state(clusterId: string, protectedInState = false) {
  const r = (type: string, name: string, values: object) => ({ address: `${type}.${name}`, mode: "managed", type, values });
  return {
    format_version: "1.0",
    values: {
      root_module: {
        resources: [
          r("aws_emr_cluster", "cluster_A4C38409", { id: clusterId, termination_protection: protectedInState }),
          r("aws_s3_bucket", "storage_data_bucket_77B590E3", { id: "emr-x-data", bucket: "emr-x-data" }),
          r("aws_s3_bucket_versioning", "storage_data_versioning_A53E0E23", { id: "emr-x-data", bucket: "emr-x-data" }),
          r("aws_kms_key", "storage_key_AB3BBE0B", { id: "1234abcd-12ab" }),
          r("aws_iam_role", "iam_service_role_1", { id: "emr-x-service" }),
        ],
      },
    },
  };
}

const terraformSubcommands = (runner: RecordingRunner, bin: string) => runner.argvOf(bin).map((a) => (a[0].startsWith("-chdir") ? a.slice(1) : a));

beforeEach(async () => {
  await moto().reset();
});

describe("destroy confirmation", () => {
  it("refuses without --yes when stdin is not a terminal before any synth, terraform call or AWS call", async () => {
    // No synthesized stack: on main, destroy ran synth and `terraform init` (which contacts the registry) first.
    const { root, terraformBin } = tempRepo();
    const runner = new RecordingRunner(fakeTerraform({ root, env: "local", terraformBin, state: state("j-NEVERASKED") }));
    const run = await runCaptured(["destroy", "local", "--terraform-bin", terraformBin], root, { runner });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe("error: destroy needs confirmation and stdin is not a terminal; nothing was done. fix: run it in a terminal, or pass --yes\n");
    expect(runner.calls).toEqual([]);
  });

  it("aborts when the operator types anything but the environment's name", async () => {
    const clusterId = await createCluster(emr(), { environment: "local" });
    const { root, terraformBin } = tempRepo({ stacks: ["local"] });
    const runner = new RecordingRunner(fakeTerraform({ root, env: "local", terraformBin, state: state(clusterId) }));
    const questions: string[] = [];
    const run = await runCaptured(["destroy", "local", "--terraform-bin", terraformBin], root, {
      runner,
      prompt: async (q) => {
        questions.push(q);
        return "dev";
      },
    });
    expect(questions).toEqual(["Type the environment name (local) to destroy it: "]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('error: aborted: you typed "dev", not "local"; nothing was destroyed\n');
    expect(terraformSubcommands(runner, terraformBin).some((a) => a[0] === "destroy")).toBe(false);
  });

  it("destroys everything once the name is typed, when the environment allows deleting its buckets", async () => {
    const clusterId = await createCluster(emr(), { environment: "local" });
    const { root, terraformBin } = tempRepo({ stacks: ["local"] });
    const runner = new RecordingRunner(fakeTerraform({ root, env: "local", terraformBin, state: state(clusterId) }));
    const run = await runCaptured(["destroy", "local", "--terraform-bin", terraformBin], root, { runner, prompt: async () => "local\n" });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(terraformSubcommands(runner, terraformBin)).toEqual([
      ["show", "-json"],
      ["destroy", "-input=false", "-auto-approve", "-no-color"],
    ]);
    expect(run.stdout).toContain("emr-local destroyed (5 resources)\nno buckets kept: local sets storage.forceDestroy\n");
  });

  it("says there is nothing to destroy for an empty state", async () => {
    const { root, terraformBin } = tempRepo({ stacks: ["local"] });
    const runner = new RecordingRunner(fakeTerraform({ root, env: "local", terraformBin }));
    const run = await runCaptured(["destroy", "local", "--terraform-bin", terraformBin, "--yes"], root, { runner });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("emr-local: the state is empty, nothing to destroy\n");
  });

  it("synthesizes and initialises first when the stack directory is missing", async () => {
    const { root, terraformBin } = tempRepo();
    const runner = new RecordingRunner(fakeTerraform({ root, env: "local", terraformBin }));
    await runCaptured(["destroy", "local", "--terraform-bin", terraformBin, "--yes"], root, { runner });
    expect(runner.calls[0].args.at(-1)).toBe("scripts/bin/synth.cjs");
    expect(terraformSubcommands(runner, terraformBin)).toEqual([["init", "-input=false", "-no-color"], ["show", "-json"]]);
  });
});

describe("destroy and termination protection", () => {
  it("refuses a cluster protected in AWS (even if the state says otherwise) unless --force", async () => {
    const clusterId = await createCluster(emr(), { environment: "local", protected: true });
    const { root, terraformBin } = tempRepo({ stacks: ["local"] });
    const runner = new RecordingRunner(fakeTerraform({ root, env: "local", terraformBin, state: state(clusterId, false) }));
    const run = await runCaptured(["destroy", "local", "--terraform-bin", terraformBin, "--yes"], root, { runner });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `error: local's cluster ${clusterId} has termination protection on; nothing was destroyed. fix: rerun with --force to turn protection off through Terraform and destroy\n`,
    );
    expect(terraformSubcommands(runner, terraformBin)).toEqual([["show", "-json"]]);
  });

  it("--force turns protection off through Terraform (override file + targeted apply), then destroys", async () => {
    const clusterId = await createCluster(emr(), { environment: "local", protected: true });
    const { root, terraformBin } = tempRepo({ stacks: ["local"] });
    const overrideFile = path.join(root, "cdktf.out", "stacks", "emr-local", PROTECTION_OVERRIDE_FILE);
    let overrideDuringApply: unknown;
    const runner = new RecordingRunner(
      fakeTerraform({
        root,
        env: "local",
        terraformBin,
        state: state(clusterId, true),
        override: (call: RecordedCall) => {
          if (call.args[1] === "apply") overrideDuringApply = JSON.parse(readFileSync(overrideFile, "utf8"));
          return undefined;
        },
      }),
    );
    const run = await runCaptured(["destroy", "local", "--terraform-bin", terraformBin, "--force", "--yes"], root, { runner });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(terraformSubcommands(runner, terraformBin)).toEqual([
      ["show", "-json"],
      ["apply", "-input=false", "-auto-approve", "-target=aws_emr_cluster.cluster_A4C38409", "-no-color"],
      ["destroy", "-input=false", "-auto-approve", "-no-color"],
    ]);
    expect(overrideDuringApply).toEqual({ resource: { aws_emr_cluster: { cluster_A4C38409: { termination_protection: false } } } });
    expect(existsSync(overrideFile)).toBe(false);
  });

  it("removes the override file even when the destroy fails", async () => {
    const clusterId = await createCluster(emr(), { environment: "local", protected: true });
    const { root, terraformBin } = tempRepo({ stacks: ["local"] });
    const runner = new RecordingRunner(
      fakeTerraform({ root, env: "local", terraformBin, state: state(clusterId, true), override: (call) => (call.args[1] === "destroy" ? { exitCode: 1, stderr: "Error: boom" } : undefined) }),
    );
    const run = await runCaptured(["destroy", "local", "--terraform-bin", terraformBin, "--force", "--yes"], root, { runner });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("error: terraform destroy failed in cdktf.out/stacks/emr-local (exit 1): Error: boom\n");
    expect(existsSync(path.join(root, "cdktf.out", "stacks", "emr-local", PROTECTION_OVERRIDE_FILE))).toBe(false);
  });
});

describe("destroy keeps buckets unless the environment allows their deletion", () => {
  it("takes prod's buckets and KMS key out of the state first and says which were kept", async () => {
    const { root, terraformBin } = tempRepo({ stacks: ["prod"] });
    // prod's cluster is already gone in AWS; the state still says protected, so --force is needed.
    const runner = new RecordingRunner(fakeTerraform({ root, env: "prod", terraformBin, state: state("j-GONE", true) }));
    const run = await runCaptured(["destroy", "prod", "--terraform-bin", terraformBin, "--force", "--yes"], root, { runner });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(terraformSubcommands(runner, terraformBin)).toEqual([
      ["show", "-json"],
      ["apply", "-input=false", "-auto-approve", "-target=aws_emr_cluster.cluster_A4C38409", "-no-color"],
      ["state", "rm", "aws_s3_bucket.storage_data_bucket_77B590E3", "aws_s3_bucket_versioning.storage_data_versioning_A53E0E23", "aws_kms_key.storage_key_AB3BBE0B"],
      ["destroy", "-input=false", "-auto-approve", "-no-color"],
    ]);
    expect(run.stdout).toContain("emr-prod in eu-west-1, account 123456789012: 2 resources will be destroyed\n  - aws_emr_cluster.cluster_A4C38409\n  - aws_iam_role.iam_service_role_1\n");
    expect(run.stdout).toContain("3 resources are kept (storage.forceDestroy is off for prod):\n  = aws_s3_bucket.storage_data_bucket_77B590E3\n");
    expect(run.stdout).toContain("kept buckets: emr-x-data (and the KMS key that encrypts them)");
    expect(run.stdout).toContain("    terraform -chdir=cdktf.out/stacks/emr-prod import aws_s3_bucket.storage_data_bucket_77B590E3 emr-x-data\n");
    expect(run.stdout).toContain("    terraform -chdir=cdktf.out/stacks/emr-prod import aws_kms_key.storage_key_AB3BBE0B 1234abcd-12ab\n");
  });
});
