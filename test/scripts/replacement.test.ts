// Issue 11: a plan that replaces a termination-protected cluster. `plan` flags it in words on its summary line; `deploy`
// refuses it unless --allow-replace, and with it lifts protection (EMR, against moto) before a fresh plan is applied.
// Terraform is the recording runner answering with recorded `show -json` plans.
import { DescribeClusterCommand, EMRClient } from "@aws-sdk/client-emr";
import { S3Client } from "@aws-sdk/client-s3";
import { formatReplacementNote, protectedReplacements, replacementRefusal } from "../../scripts/lib/replacement";
import { runCaptured, tempRepo } from "../support/cli-harness";
import { createBuckets, createCluster } from "../support/emr-fixture";
import { useMoto } from "../support/moto-server";
import { RecordingRunner } from "../support/recording-runner";
import { fakeTerraform } from "../support/terraform-script";

const CLUSTER = "aws_emr_cluster.cluster_cluster_A4C38409";

/** A recorded `terraform show -json` plan that replaces the cluster (what a security-configuration edit produces). */
function replacingPlan(clusterId: string, protectedNow: boolean) {
  return {
    format_version: "1.2",
    resource_changes: [
      {
        address: CLUSTER,
        mode: "managed",
        type: "aws_emr_cluster",
        change: {
          actions: ["delete", "create"],
          before: { id: clusterId, termination_protection: protectedNow, security_configuration: "emr-platform-local-0123456789ab" },
          after: { termination_protection: true, security_configuration: "emr-platform-local-ba9876543210" },
          replace_paths: [["security_configuration"], ["bootstrap_action", 0, "path"]],
        },
      },
      { address: "aws_emr_security_configuration.encryption_config_1", mode: "managed", type: "aws_emr_security_configuration", change: { actions: ["create"] } },
      { address: "aws_s3_object.cluster_bootstrap_2", mode: "managed", type: "aws_s3_object", change: { actions: ["delete", "create"] } },
    ],
  };
}

describe("protectedReplacements (pure, over recorded plan JSON)", () => {
  it("finds a protected cluster's replacement with its id and the arguments forcing it", () => {
    expect(protectedReplacements(JSON.stringify(replacingPlan("j-ABC", true)))).toEqual([
      { address: CLUSTER, clusterId: "j-ABC", causes: ["security_configuration", "bootstrap_action[0].path"] },
    ]);
  });

  it("still counts a cluster whose protection was already lifted, because the config wants it protected", () => {
    expect(protectedReplacements(JSON.stringify(replacingPlan("j-ABC", false)))).toHaveLength(1);
  });

  it("ignores in-place updates, unprotected replacements, other types and text that is not JSON", () => {
    const plan = replacingPlan("j-ABC", true);
    const update = { ...plan.resource_changes[0], change: { ...plan.resource_changes[0].change, actions: ["update"] } };
    const unprotected = { ...plan.resource_changes[0], change: { ...plan.resource_changes[0].change, before: { id: "j-1", termination_protection: false }, after: { termination_protection: false } } };
    expect(protectedReplacements(JSON.stringify({ resource_changes: [update, unprotected, plan.resource_changes[2]] }))).toEqual([]);
    expect(protectedReplacements("not json")).toEqual([]);
  });

  it("words the summary note and the refusal", () => {
    const found = protectedReplacements(JSON.stringify(replacingPlan("j-ABC", true)));
    expect(formatReplacementNote([])).toBe("");
    expect(formatReplacementNote(found)).toBe(
      "; REPLACES the termination-protected cluster j-ABC (forced by security_configuration, bootstrap_action[0].path): deploy refuses it unless run with --allow-replace",
    );
    expect(replacementRefusal("prod", found)).toMatch(/^the plan replaces prod's termination-protected cluster j-ABC .*nothing was applied.*fix: .*--allow-replace/);
  });
});

describe("plan and deploy with a replacement of the protected cluster", () => {
  const moto = useMoto();
  const emr = () => new EMRClient({ region: "us-east-1" });
  const outputs = (clusterId: string) => ({
    cluster_id: clusterId,
    artifacts_bucket: "emr-local-artifacts",
    data_bucket: "emr-local-data",
    logs_bucket: "emr-local-logs",
    jobs_prefix: "jobs/",
    termination_protected: true,
  });

  beforeEach(async () => {
    await moto().reset();
    await createBuckets(new S3Client({ region: "us-east-1", forcePathStyle: true }), ["emr-local-artifacts", "emr-local-data", "emr-local-logs"]);
  });

  /** A protected cluster in moto, a temp repo and a fake terraform whose saved plan replaces that cluster. */
  async function setup() {
    const clusterId = await createCluster(emr(), { environment: "local", protected: true });
    const { root, terraformBin } = tempRepo();
    const runner = new RecordingRunner(fakeTerraform({ root, env: "local", terraformBin, planJson: replacingPlan(clusterId, true), outputs: outputs(clusterId) }));
    const terraformSubcommands = () => runner.argvOf(terraformBin).map((a) => (a[0].startsWith("-chdir") ? a[1] : a[0]));
    return { clusterId, root, terraformBin, runner, terraformSubcommands };
  }

  const isProtected = async (clusterId: string) =>
    (await emr().send(new DescribeClusterCommand({ ClusterId: clusterId }))).Cluster?.TerminationProtected;

  it("plan flags the replacement in words on its summary line (the pull-request comment) and exits 2", async () => {
    const { clusterId, root, terraformBin, runner, terraformSubcommands } = await setup();
    const run = await runCaptured(["plan", "local", "--terraform-bin", terraformBin], root, { runner });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(2);
    expect(terraformSubcommands()).toEqual(["init", "plan", "show"]);
    expect(run.stdout).toMatch(/^emr-local: 3 to add, 0 to change, 2 to destroy; REPLACES the termination-protected cluster j-\w+ \(forced by security_configuration, bootstrap_action\[0\]\.path\): deploy refuses it unless run with --allow-replace$/m);
    expect(await isProtected(clusterId)).toBe(true);
  });

  it("deploy without --allow-replace applies nothing, keeps protection and says how to proceed", async () => {
    const { clusterId, root, terraformBin, runner, terraformSubcommands } = await setup();
    const run = await runCaptured(["deploy", "local", "--terraform-bin", terraformBin, "--skip-test"], root, { runner });
    expect(run.code).toBe(1);
    expect(terraformSubcommands()).toEqual(["version", "init", "validate", "plan", "show"]);
    expect(run.stderr).toMatch(new RegExp(`^error: the plan replaces local's termination-protected cluster ${clusterId} \\(forced by security_configuration, bootstrap_action\\[0\\]\\.path\\); nothing was applied.*--allow-replace`));
    expect(await isProtected(clusterId)).toBe(true);
  });

  it("deploy --allow-replace lifts protection first, plans again, then applies that plan", async () => {
    const { clusterId, root, terraformBin, runner, terraformSubcommands } = await setup();
    const run = await runCaptured(["deploy", "local", "--terraform-bin", terraformBin, "--skip-test", "--allow-replace"], root, { runner });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(await isProtected(clusterId)).toBe(false);
    expect(terraformSubcommands()).toEqual(["version", "init", "validate", "plan", "show", "plan", "show", "apply", "output"]);
    expect(run.stdout).toContain(`  --allow-replace: turning termination protection off on ${clusterId} before the replacement …\n`);
  });
});
