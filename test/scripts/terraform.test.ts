// The terraform/tofu boundary: exact argv through a recording runner, binary resolution, version checks.
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { resolveTerraformBinary, stackPaths, synthCommand, Terraform } from "../../scripts/lib/terraform";
import { RecordingRunner } from "../support/recording-runner";

const ROOT = "/repo";
const BIN = "/usr/bin/terraform";

function terraform(runner: RecordingRunner, color = false) {
  return new Terraform({ runner, bin: BIN, repoRoot: ROOT, environment: "dev", color });
}

describe("Terraform argv", () => {
  it("runs every subcommand in the stack directory with -chdir, TF_IN_AUTOMATION and no shell", async () => {
    const runner = new RecordingRunner((call) => (call.args.includes("plan") ? { exitCode: 2 } : call.args.includes("show") ? { stdout: "{}" } : undefined));
    const tf = terraform(runner);
    await tf.init();
    await tf.validate();
    await tf.plan();
    await tf.showPlan();
    await tf.apply();
    await tf.output();
    await tf.showState();
    await tf.applyTarget("aws_emr_cluster.cluster_A4C38409");
    await tf.stateRemove(["aws_s3_bucket.a", "aws_kms_key.k"]);
    await tf.destroy();
    const chdir = "-chdir=cdktf.out/stacks/emr-dev";
    expect(runner.argvOf(BIN)).toEqual([
      [chdir, "init", "-input=false", "-no-color"],
      [chdir, "validate", "-no-color"],
      [chdir, "plan", "-input=false", "-out=emr-dev.tfplan", "-detailed-exitcode", "-no-color"],
      [chdir, "show", "-json", "emr-dev.tfplan"],
      [chdir, "apply", "-input=false", "-no-color", "emr-dev.tfplan"],
      [chdir, "output", "-json"],
      [chdir, "show", "-json"],
      [chdir, "apply", "-input=false", "-auto-approve", "-target=aws_emr_cluster.cluster_A4C38409", "-no-color"],
      [chdir, "state", "rm", "aws_s3_bucket.a", "aws_kms_key.k"],
      [chdir, "destroy", "-input=false", "-auto-approve", "-no-color"],
    ]);
    for (const call of runner.calls) {
      expect(call.options.cwd).toBe(ROOT);
      expect(call.options.env).toEqual({ TF_IN_AUTOMATION: "1" });
    }
    // Operator-facing commands stream; machine-read JSON does not.
    expect(runner.calls.filter((c) => c.options.stream).map((c) => c.args[1])).toEqual(["init", "validate", "plan", "apply", "apply", "state", "destroy"]);
  });

  it("keeps colours on a terminal", async () => {
    const runner = new RecordingRunner();
    await terraform(runner, true).init();
    expect(runner.calls[0].args).toEqual(["-chdir=cdktf.out/stacks/emr-dev", "init", "-input=false"]);
  });

  it("reads -detailed-exitcode: 0 no changes, 2 changes", async () => {
    expect((await terraform(new RecordingRunner(() => ({ exitCode: 0 }))).plan()).changes).toBe(false);
    expect((await terraform(new RecordingRunner(() => ({ exitCode: 2 }))).plan()).changes).toBe(true);
  });

  it("fails if plan exits 1, quoting terraform's Error line", async () => {
    const runner = new RecordingRunner(() => ({ exitCode: 1, stderr: "\n│ Error: No valid credential sources found\n│ \n" }));
    await expect(terraform(runner).plan()).rejects.toThrow("terraform plan failed in cdktf.out/stacks/emr-dev (exit 1): Error: No valid credential sources found");
  });

  it("fails if apply fails, naming the stack directory", async () => {
    await expect(terraform(new RecordingRunner(() => ({ exitCode: 1, stderr: "Error: creating EMR Cluster: ValidationException" }))).apply()).rejects.toThrow(
      /terraform apply failed in cdktf\.out\/stacks\/emr-dev.*ValidationException/,
    );
  });

  it("accepts terraform/tofu >= 1.10 from `version -json`", async () => {
    const runner = new RecordingRunner(() => ({ stdout: '{"terraform_version":"1.10.5","platform":"linux_amd64"}' }));
    await expect(terraform(runner).version()).resolves.toBe("1.10.5");
    expect(runner.calls[0].args).toEqual(["version", "-json"]);
  });

  it("fails if terraform is older than 1.10 (no S3 lockfile locking)", async () => {
    const runner = new RecordingRunner(() => ({ stdout: '{"terraform_version":"1.5.7"}' }));
    await expect(terraform(runner).version()).rejects.toThrow(/terraform 1\.5\.7 is too old .*>= 1\.10\.0.*install Terraform/);
  });

  it("synthesizes through main.ts's compiled entry point from the repository root", () => {
    expect(synthCommand(ROOT)).toEqual({ file: process.execPath, args: ["scripts/bin/synth.cjs"], cwd: ROOT });
  });

  it("knows the stack's paths", () => {
    expect(stackPaths(ROOT, "prod")).toEqual({
      relativeDir: "cdktf.out/stacks/emr-prod",
      dir: "/repo/cdktf.out/stacks/emr-prod",
      config: "/repo/cdktf.out/stacks/emr-prod/cdk.tf.json",
      initialized: "/repo/cdktf.out/stacks/emr-prod/.terraform",
      planFile: "emr-prod.tfplan",
    });
  });
});

describe("resolveTerraformBinary", () => {
  function binDir(...names: string[]): string {
    const dir = mkdtempSync(path.join(tmpdir(), "bin-"));
    for (const name of names) {
      writeFileSync(path.join(dir, name), "#!/bin/sh\n");
      chmodSync(path.join(dir, name), 0o755);
    }
    return dir;
  }

  it("prefers terraform, then tofu, on PATH", () => {
    const both = binDir("terraform", "tofu");
    expect(resolveTerraformBinary(undefined, { PATH: both })).toBe(path.join(both, "terraform"));
    const tofuOnly = binDir("tofu");
    expect(resolveTerraformBinary(undefined, { PATH: `/nonexistent${path.delimiter}${tofuOnly}` })).toBe(path.join(tofuOnly, "tofu"));
  });

  it("takes --terraform-bin over TERRAFORM_BIN, by path or by name on PATH", () => {
    const dir = binDir("tofu", "terraform");
    expect(resolveTerraformBinary(path.join(dir, "tofu"), { TERRAFORM_BIN: path.join(dir, "terraform") })).toBe(path.join(dir, "tofu"));
    expect(resolveTerraformBinary(undefined, { TERRAFORM_BIN: "tofu", PATH: dir })).toBe(path.join(dir, "tofu"));
  });

  it("fails if neither terraform nor tofu is on PATH, with an install hint", () => {
    expect(() => resolveTerraformBinary(undefined, { PATH: mkdtempSync(path.join(tmpdir(), "empty-")) })).toThrow(
      /neither terraform nor tofu is on PATH; fix: install Terraform >= 1\.10 \(https:\/\/developer\.hashicorp\.com\/terraform\/install\) or OpenTofu/,
    );
  });

  it("fails if TERRAFORM_BIN names a file that is not executable", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "bin-"));
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "terraform"), "");
    expect(() => resolveTerraformBinary(undefined, { TERRAFORM_BIN: path.join(dir, "terraform") })).toThrow(/TERRAFORM_BIN=.*terraform is not an executable file/);
  });
});
