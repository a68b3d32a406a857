import { loadEnvironment } from "../../environments";
import { POLICY_RULES, type StackJson } from "../../policy";
import { estimateCost } from "../../scripts/plan-summary/cost";
import { groupCapacityAt } from "../../modules/emr-cluster/capacity-model";
import { formatCostPoint, formatEnvironment, formatScaling, formatUsd } from "../../scripts/plan-summary/format";
import { loadPriceTable } from "../../environments/instance-types";
import { countResources } from "../../scripts/plan-summary/resources";
import { summarizeEnvironment } from "../../scripts/plan-summary/summary";
import { BASTION_EXEMPTION, buildStack } from "./fixtures";

const prices = loadPriceTable();
const stackJson = (options: { bastion?: boolean } = {}) => buildStack("dev", options).toTerraform() as StackJson;

describe("countResources", () => {
  it("counts managed resources and data sources by type, most numerous first", () => {
    const counts = countResources(stackJson({ bastion: true }));
    expect(counts.total).toBe(7); // bucket, sse, public access block, bucket policy, security configuration, cluster, security group
    expect(counts.dataSources).toBe(1);
    expect(counts.byType).toEqual([
      { type: "aws_emr_cluster", count: 1 },
      { type: "aws_emr_security_configuration", count: 1 },
      { type: "aws_s3_bucket", count: 1 },
      { type: "aws_s3_bucket_policy", count: 1 },
      { type: "aws_s3_bucket_public_access_block", count: 1 },
      { type: "aws_s3_bucket_server_side_encryption_configuration", count: 1 },
      { type: "aws_security_group", count: 1 },
      { type: "data.aws_iam_policy_document", count: 1 },
    ]);
  });
});

describe("summarizeEnvironment", () => {
  const dev = loadEnvironment("dev");

  it("combines the config's instance groups, scaling and cost with the stack's resources and guard result", () => {
    const summary = summarizeEnvironment({ config: dev, prices, stack: { json: stackJson({ bastion: true }) }, exemptions: [BASTION_EXEMPTION] });
    expect(summary).toMatchObject({ environment: "dev", stackId: "emr-dev", region: "eu-west-1", scaling: { kind: "custom", min: 0, max: 4 } });
    expect(summary.instanceGroups).toEqual([
      { role: "master", instanceType: "m6i.xlarge", count: 1, market: "ON_DEMAND", ebs: { volumesPerInstance: 1, sizeGb: 64, type: "gp3" } },
      { role: "core", instanceType: "m6i.xlarge", count: 2, market: "ON_DEMAND", ebs: { volumesPerInstance: 1, sizeGb: 64, type: "gp3" } },
      // stackJson() has no task group, so the synthesized stack sends no bid and none is shown.
      { role: "task", instanceType: "m6i.xlarge", count: 0, market: "SPOT", ebs: { volumesPerInstance: 1, sizeGb: 64, type: "gp3" } },
    ]);
    expect(summary.cost?.min.hourly).toBeCloseTo(estimateCost(prices, dev.region, groupCapacityAt(dev, "min")).hourly, 10);
    expect(summary.cost?.max.hourly).toBeCloseTo(estimateCost(prices, dev.region, groupCapacityAt(dev, "max")).hourly, 10);
    expect(summary.resources?.total).toBe(7);
    expect(summary.policyGuard?.violations).toEqual([]);
    expect(summary.policyGuard?.exempted).toEqual([expect.objectContaining({ path: "emr-dev/bastion", exemption: BASTION_EXEMPTION.reason })]);
  });

  it("reports a violation the exemptions do not cover", () => {
    const summary = summarizeEnvironment({ config: dev, prices, stack: { json: stackJson({ bastion: true }) }, exemptions: [] });
    expect(summary.policyGuard?.violations.map((f) => f.rule)).toEqual(["no-world-open-ingress"]);
  });

  it("still summarizes the config when the stack is not synthesized", () => {
    const summary = summarizeEnvironment({ config: dev, prices, stack: { problem: "cdktf.out/stacks/emr-dev/cdk.tf.json not found" } });
    expect(summary.resources).toBeUndefined();
    expect(summary.policyGuard).toBeUndefined();
    expect(summary.stackProblem).toMatch(/not found/);
    expect(summary.cost?.max.complete).toBe(true);
  });

  it("shows the spot bid the stack sends, or the price-table default when the stack is not synthesized", () => {
    const unsynthesized = summarizeEnvironment({ config: dev, prices, stack: { problem: "not synthesized" } });
    expect(unsynthesized.instanceGroups.map((g) => g.bidPrice)).toEqual([undefined, undefined, String(prices.regions["eu-west-1"]["m6i.xlarge"].ec2)]);
    const json = stackJson({ bastion: false }) as { resource?: Record<string, Record<string, unknown>> };
    json.resource = { ...json.resource, aws_emr_instance_group: { task: { name: "task", bid_price: "0.1234" } } };
    const synthesized = summarizeEnvironment({ config: dev, prices, stack: { json: json as StackJson } });
    expect(synthesized.instanceGroups[2].bidPrice).toBe("0.1234");
    expect(formatEnvironment(synthesized)).toMatch(/task {3}m6i\.xlarge × 0 {4}SPOT ≤ \$0\.1234\/h {2}EBS 1×64 GiB gp3/);
  });

  it("has no cost for an environment on a local endpoint", () => {
    expect(summarizeEnvironment({ config: loadEnvironment("local"), prices, stack: { problem: "n/a" } }).cost).toBeNull();
  });
});

describe("format", () => {
  const dev = loadEnvironment("dev");

  it("prints resources, groups, scaling, both cost points and the guard totals", () => {
    const summary = summarizeEnvironment({ config: dev, prices, stack: { json: stackJson({ bastion: true }) }, exemptions: [BASTION_EXEMPTION] });
    const text = formatEnvironment(summary);
    expect(text).toMatch(/^emr-dev {2}\(dev, eu-west-1\)$/m);
    expect(text).toMatch(/resources {7}7 resources \+ 1 data sources/);
    expect(text).toMatch(/core {3}m6i\.xlarge × 2 {4}ON_DEMAND {2}EBS 1×64 GiB gp3/);
    expect(text).toContain("custom autoscaling on the task group: 0–4 instances");
    expect(text).toContain(`${formatUsd(summary.cost!.min.hourly)} at min (3 instances) … ${formatUsd(summary.cost!.max.hourly)} at max (7 instances)`);
    expect(text).toContain(`policy guard    ${POLICY_RULES.length} rules, 0 violations, 1 exempted`);
    expect(text).toMatch(/\[policy-guard:no-world-open-ingress\] aws_security_group\.bastion: .* — exempted: bastion for the migration window/);
  });

  it("marks a cost with an unknown price as a lower bound and says which price is missing", () => {
    const config = { ...dev, instances: { ...dev.instances, core: { ...dev.instances.core, instanceType: "z9.mega" } } };
    const summary = summarizeEnvironment({ config, prices, stack: { problem: "not synthesized" } });
    const text = formatEnvironment(summary);
    expect(text).toContain(`≥ ${formatUsd(summary.cost!.min.hourly)} at min`);
    expect(text).toContain("unknown price: no price for z9.mega in eu-west-1 (core group)");
    expect(text.match(/unknown price:/g)).toHaveLength(1);
    expect(text).toContain("policy guard    not run (stack not synthesized)");
  });

  it("describes each kind of scaling range", () => {
    expect(formatScaling({ kind: "none" })).toBe("none (fixed instance counts)");
    expect(formatScaling({ kind: "managed", unit: "instances", min: 4, max: 20, maxCore: 4, maxOnDemand: 4 })).toBe(
      "managed scaling: 4–20 core+task instances (core ≤ 4, on-demand ≤ 4)",
    );
    expect(formatCostPoint({ groups: [{ role: "master", instanceType: "m", market: "ON_DEMAND", count: 1, hourly: 1, perInstance: 1 }], hourly: 1, complete: true, unknown: [] }, "min")).toBe(
      "$1.000 at min (1 instance)",
    );
  });
});
