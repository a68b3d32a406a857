// Terraform's JSON (state, saved plan, outputs) as the CLI reads it. Inputs are shaped like `terraform show -json`.
import { parseOutputsJson } from "../../scripts/lib/stack-outputs";
import { countPlanChanges, emrClusters, formatPlanCounts, parseState, protectionOverride, selectForDestroy } from "../../scripts/lib/terraform-state";
import { outputJson } from "../support/recording-runner";

const STATE = JSON.stringify({
  format_version: "1.0",
  values: {
    root_module: {
      resources: [
        { address: "aws_emr_cluster.cluster_A4C38409", mode: "managed", type: "aws_emr_cluster", values: { id: "j-1", termination_protection: true } },
        { address: "aws_s3_bucket.storage_data_bucket_77B590E3", mode: "managed", type: "aws_s3_bucket", values: { id: "emr-dev-data", bucket: "emr-dev-data" } },
        { address: "aws_s3_bucket_versioning.storage_data_versioning_A53E0E23", mode: "managed", type: "aws_s3_bucket_versioning", values: { id: "emr-dev-data", bucket: "emr-dev-data" } },
        { address: "aws_s3_bucket_policy.storage_data_bucket-policy_2E889460", mode: "managed", type: "aws_s3_bucket_policy", values: { id: "emr-dev-data", bucket: "emr-dev-data" } },
        { address: "aws_kms_key.storage_key_AB3BBE0B", mode: "managed", type: "aws_kms_key", values: { id: "1234abcd-12ab" } },
        { address: "aws_kms_alias.storage_key_alias_6B686A16", mode: "managed", type: "aws_kms_alias", values: { id: "alias/emr-dev" } },
        { address: "aws_iam_role.iam_service_role_1", mode: "managed", type: "aws_iam_role", values: { id: "emr-dev-service" } },
        { address: "data.aws_iam_policy_document.x", mode: "data", type: "aws_iam_policy_document", values: {} },
      ],
      child_modules: [{ resources: [{ address: "module.net.aws_vpc.main", mode: "managed", type: "aws_vpc", values: { id: "vpc-1" } }] }],
    },
  },
});

describe("parseState", () => {
  it("lists managed resources of the root and child modules, without data sources", () => {
    expect(parseState(STATE).map((r) => r.address)).toEqual([
      "aws_emr_cluster.cluster_A4C38409",
      "aws_s3_bucket.storage_data_bucket_77B590E3",
      "aws_s3_bucket_versioning.storage_data_versioning_A53E0E23",
      "aws_s3_bucket_policy.storage_data_bucket-policy_2E889460",
      "aws_kms_key.storage_key_AB3BBE0B",
      "aws_kms_alias.storage_key_alias_6B686A16",
      "aws_iam_role.iam_service_role_1",
      "module.net.aws_vpc.main",
    ]);
  });

  it("reads an empty state (`show -json` of nothing deployed) as no resources", () => {
    expect(parseState('{"format_version":"1.0"}')).toEqual([]);
  });
});

describe("selectForDestroy", () => {
  it("keeps buckets, their settings and the KMS key when forceDestroy is off", () => {
    const selection = selectForDestroy(parseState(STATE), false);
    expect(selection.keptBuckets).toEqual(["emr-dev-data"]);
    expect(selection.kept.map((r) => r.address)).toEqual([
      "aws_s3_bucket.storage_data_bucket_77B590E3",
      "aws_s3_bucket_versioning.storage_data_versioning_A53E0E23",
      "aws_s3_bucket_policy.storage_data_bucket-policy_2E889460",
      "aws_kms_key.storage_key_AB3BBE0B",
      "aws_kms_alias.storage_key_alias_6B686A16",
    ]);
    expect(selection.destroyed.map((r) => r.address)).toEqual(["aws_emr_cluster.cluster_A4C38409", "aws_iam_role.iam_service_role_1", "module.net.aws_vpc.main"]);
  });

  it("destroys everything when forceDestroy is on", () => {
    const selection = selectForDestroy(parseState(STATE), true);
    expect(selection.kept).toEqual([]);
    expect(selection.keptBuckets).toEqual([]);
    expect(selection.destroyed).toHaveLength(8);
  });
});

describe("termination protection", () => {
  it("finds the cluster and its protection in the state", () => {
    expect(emrClusters(parseState(STATE))).toEqual([{ address: "aws_emr_cluster.cluster_A4C38409", clusterId: "j-1", protectedInState: true }]);
  });

  it("writes a Terraform override file that turns protection off for that resource", () => {
    expect(JSON.parse(protectionOverride(["aws_emr_cluster.cluster_A4C38409"]))).toEqual({
      resource: { aws_emr_cluster: { cluster_A4C38409: { termination_protection: false } } },
    });
  });

  it("fails if the address is not an aws_emr_cluster", () => {
    expect(() => protectionOverride(["aws_s3_bucket.x"])).toThrow(/not a root-module aws_emr_cluster address/);
  });
});

describe("countPlanChanges", () => {
  const plan = JSON.stringify({
    resource_changes: [
      { address: "a", mode: "managed", change: { actions: ["create"] } },
      { address: "b", mode: "managed", change: { actions: ["create"] } },
      { address: "c", mode: "managed", change: { actions: ["update"] } },
      { address: "d", mode: "managed", change: { actions: ["delete", "create"] } },
      { address: "e", mode: "managed", change: { actions: ["delete"] } },
      { address: "f", mode: "managed", change: { actions: ["no-op"] } },
      { address: "g", mode: "data", change: { actions: ["read"] } },
    ],
  });

  it("counts like terraform's Plan: line (a replacement is one add and one destroy)", () => {
    expect(countPlanChanges(plan)).toEqual({ add: 3, change: 1, destroy: 2 });
    expect(formatPlanCounts("emr-dev", countPlanChanges(plan))).toBe("emr-dev: 3 to add, 1 to change, 2 to destroy");
  });

  it("says no changes for an empty plan", () => {
    expect(formatPlanCounts("emr-dev", countPlanChanges("{}"))).toBe("emr-dev: no changes");
  });
});

describe("parseOutputsJson", () => {
  it("maps Terraform output names to the contract's keys and stringifies non-strings", () => {
    const json = outputJson({ cluster_id: "j-1", data_bucket: "d", termination_protected: true, jobs_prefix: "jobs/", unrelated: "x" });
    expect(parseOutputsJson(json)).toEqual({ clusterId: "j-1", dataBucket: "d", terminationProtected: "true", jobsPrefix: "jobs/" });
  });

  it("skips empty values (master_public_dns before the cluster has one)", () => {
    expect(parseOutputsJson(outputJson({ master_public_dns: "" }))).toEqual({});
  });
});
