import { Testing } from "cdktf";
import { ENVIRONMENT_NAMES, loadEnvironment } from "../environments";
import { EmrPlatformStack } from "../modules/platform-stack";
import { STACK_OUTPUTS, stackId } from "../contracts/stack-outputs";
import type { StackJson } from "../policy";
import { ec2TrustWithoutCondition } from "../policy/rules/ec2-trust-without-condition";
import { emrClusterWaitsForNetwork } from "../policy/rules/emr-cluster-waits-for-network";
import { s3ListBucketForReaders } from "../policy/rules/s3-list-bucket-for-readers";
import { StackIndex } from "../policy/stack-json";
import { nonEmpty, resources, type TerraformJson } from "./modules/harness";

/** Full synth (aspects included: a policy-guard error would throw here) of one environment's stack. */
function synthEnvironment(name: string): TerraformJson {
  const app = Testing.app();
  const stack = new EmrPlatformStack(app, stackId(name), loadEnvironment(name, {}));
  Testing.fullSynth(stack); // throws when the policy guard annotated an error
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

/**
 * What a stack is made of, for review: Terraform type -> count of resources and data sources, and each output's value.
 * The values of resources are pinned by the targeted tests; this shows a reviewer what a change adds or removes.
 */
function inventory(json: TerraformJson): unknown {
  const counts = (blocks: Record<string, Record<string, unknown>> = {}) =>
    Object.fromEntries(Object.keys(blocks).sort().map((type) => [type, Object.keys(blocks[type]).length]));
  const outputs = Object.entries(json.output ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return {
    resources: counts(json.resource),
    data: counts(json.data),
    outputs: Object.fromEntries(outputs.map(([name, output]) => [name, output.value])),
  };
}

const stacks = Object.fromEntries(ENVIRONMENT_NAMES.map((name) => [name, synthEnvironment(name)])) as Record<string, TerraformJson>;
const cluster = (name: string) => resources(stacks[name], "aws_emr_cluster")[0][1];

describe.each(ENVIRONMENT_NAMES)("emr-%s stack", (name) => {
  const json = stacks[name];

  test("declares every output the operator CLI reads", () => {
    expect(Object.keys(json.output ?? {}).sort()).toEqual(Object.values(STACK_OUTPUTS).sort());
  });

  test("one cluster on the default emr-7 release with a security configuration, in a private subnet (fleets: offered every one)", () => {
    const c = cluster(name);
    expect(c.name).toBe(`emr-platform-${name}`);
    expect(c.release_label).toBe("emr-7.12.0");
    expect(c.security_configuration).toMatch(/aws_emr_security_configuration\..*\.name/);
    if (c.core_instance_fleet) {
      expect(c.ec2_attributes.subnet_ids).toEqual([0, 1, 2].map((i) => expect.stringMatching(new RegExp(`aws_subnet\\.network_private-${i}`))));
    } else {
      expect(c.ec2_attributes.subnet_id).toMatch(/aws_subnet\.network_private-0/);
    }
    expect(c.log_uri).toMatch(/^s3:\/\/.*\/emr\/$/);
  });

  test("the cluster waits for its network: private routes, route-table associations, the S3 endpoint, every cluster SG rule", () => {
    const dependsOn: string[] = cluster(name).depends_on;
    const addresses = (type: string, filter: (id: string) => boolean = () => true) =>
      resources(json, type).filter(([id]) => filter(id)).map(([id]) => `${type}.${id}`);
    const privateRoutes = addresses("aws_route", (id) => id.includes("private"));
    const associations = addresses("aws_route_table_association", (id) => id.includes("private"));
    // The serverless workers' egress rule is no concern of the cluster's.
    const clusterRule = (id: string) => !id.startsWith("emr-serverless_");
    const rules = [...addresses("aws_vpc_security_group_ingress_rule", clusterRule), ...addresses("aws_vpc_security_group_egress_rule", clusterRule)];
    expect(privateRoutes.length).toBeGreaterThanOrEqual(2);
    expect(associations).toHaveLength(privateRoutes.length);
    expect(rules.length).toBeGreaterThanOrEqual(7);
    expect(dependsOn).toEqual(expect.arrayContaining([...privateRoutes, ...associations, ...addresses("aws_vpc_endpoint"), ...rules]));
    expect(dependsOn).toEqual(expect.arrayContaining(addresses("aws_iam_role_policy_attachment")));
  });

  test("the issue-11 guard rules hold and are applicable: cluster ordering, EC2 trust, unconditioned ListBucket", () => {
    const index = new StackIndex(json as StackJson);
    const [clusterResource] = index.ofType("aws_emr_cluster");
    expect(emrClusterWaitsForNetwork.check(clusterResource, index)).toEqual({ status: "compliant" });
    const instanceRole = index.ofType("aws_iam_role").find((r) => r.name.includes("instance-role"))!;
    expect(ec2TrustWithoutCondition.check(instanceRole, index)).toEqual({ status: "compliant" });
    const instancePolicy = index.ofType("data.aws_iam_policy_document").find((r) => r.name.includes("instance-policy-document"))!;
    expect(s3ListBucketForReaders.check(instancePolicy, index)).toEqual({ status: "compliant" });
  });

  test("spot groups bid a number (never OnDemandPrice), read from the price table", () => {
    const bids = [
      ...resources(json, "aws_emr_instance_group").map(([, g]) => g.bid_price),
      cluster(name).master_instance_group?.bid_price,
      cluster(name).core_instance_group?.bid_price,
    ].filter((b) => b !== undefined);
    for (const bid of bids) expect(bid).toMatch(/^\d+(\.\d{1,4})?$/);
    expect(JSON.stringify(json)).not.toContain("OnDemandPrice");
  });

  test("matches its inventory (resource and data types with counts, output values)", () => {
    expect(inventory(json)).toMatchSnapshot();
  });
});

test("every alarm that notifies the platform topic is an allowed source of the topic's policy (else its notification is denied)", () => {
  const checked: string[] = [];
  for (const name of ENVIRONMENT_NAMES) {
    const json = stacks[name] as any;
    const topics = resources(json, "aws_sns_topic").map(([id]) => `\${aws_sns_topic.${id}.arn}`);
    const policy = Object.entries<any>(json.data.aws_iam_policy_document).find(([id]) => id.includes("topic-policy-document"))?.[1];
    const allowed = new Set<string>(
      (policy?.statement ?? [])
        .filter((s: any) => s.effect === "Allow" && s.actions.includes("sns:Publish") && s.principals?.[0]?.identifiers.includes("cloudwatch.amazonaws.com"))
        .flatMap((s: any) => s.condition.filter((c: any) => c.test === "ArnEquals" && c.variable === "aws:SourceArn").flatMap((c: any) => c.values)),
    );
    for (const [id, alarm] of resources(json, "aws_cloudwatch_metric_alarm")) {
      if (!(alarm.alarm_actions ?? []).some((a: string) => topics.includes(a))) continue;
      const arn = `\${aws_cloudwatch_metric_alarm.${id}.arn}`;
      expect([name, arn, allowed.has(arn)]).toEqual([name, arn, true]);
      checked.push(`${name}:${alarm.namespace ?? "metric math"}`);
    }
  }
  // The pipelines' alarms (AWS/States, AWS/SQS, AWS/Events, AWS/Scheduler) and the stream's (AWS/Kinesis, and the
  // no-progress metric-math alarm) are among those checked, not only the cluster's.
  expect(new Set(checked.map((c) => c.split(":")[1]))).toEqual(
    new Set(["AWS/ElasticMapReduce", "AWS/States", "AWS/SQS", "AWS/Events", "AWS/Scheduler", "AWS/Kinesis", "metric math"]),
  );
});

describe("per-environment posture", () => {
  test("dev: idle hour auto-termination, unprotected, spot task group with custom autoscaling", () => {
    expect(cluster("dev").auto_termination_policy).toEqual({ idle_timeout: 3600 });
    expect(cluster("dev").termination_protection).toBe(false);
    const [[, task]] = resources(stacks.dev, "aws_emr_instance_group");
    expect(JSON.parse(task.autoscaling_policy.replace("$${", "${")).Constraints).toEqual({ MinCapacity: 0, MaxCapacity: 4 });
    expect(resources(stacks.dev, "aws_emr_managed_scaling_policy")).toHaveLength(0);
    for (const [, b] of nonEmpty(resources(stacks.dev, "aws_s3_bucket"))) expect(b.force_destroy).toBe(true);
  });

  test("prod: termination protection, no idle termination, on-demand core fleet, managed scaling in units and S3 state with lockfile", () => {
    const c = cluster("prod");
    expect(c.termination_protection).toBe(true);
    expect(c.auto_termination_policy).toBeUndefined();
    expect(c.core_instance_fleet).toMatchObject({ target_on_demand_capacity: 4, target_spot_capacity: 0 });
    expect(c.autoscaling_role).toBeUndefined();
    expect(resources(stacks.prod, "aws_emr_managed_scaling_policy")[0][1].compute_limits[0]).toMatchObject({
      minimum_capacity_units: 4,
      maximum_capacity_units: 20,
      unit_type: "InstanceFleetUnits",
    });
    // Room to grow past the 4 on-demand core units: a diversified spot task fleet managed scaling resizes (Terraform ignores its targets).
    expect(resources(stacks.prod, "aws_emr_instance_group")).toHaveLength(0);
    const [[, task]] = resources(stacks.prod, "aws_emr_instance_fleet");
    expect(task).toMatchObject({ name: "task", target_spot_capacity: 2, lifecycle: { ignore_changes: ["target_on_demand_capacity", "target_spot_capacity"] } });
    expect(task.instance_type_configs).toHaveLength(6);
    expect((stacks.prod as any).terraform.backend.s3).toMatchObject({ bucket: "emr-platform-terraform-state", key: "emr-platform/prod/terraform.tfstate", encrypt: true, use_lockfile: true });
    for (const [, b] of nonEmpty(resources(stacks.prod, "aws_s3_bucket"))) expect(b.force_destroy).toBe(false);
  });

  test("local: every service at the local endpoint, path-style S3, no credential checks, local state", () => {
    const [aws] = (stacks.local as any).provider.aws;
    expect(aws.s3_use_path_style).toBe(true);
    expect(aws.skip_credentials_validation).toBe(true);
    expect(aws.skip_requesting_account_id).toBe(true);
    expect(Object.values(aws.endpoints[0])).toEqual(expect.arrayContaining(["http://localhost:5000"]));
    expect(Object.keys(aws.endpoints[0])).toEqual(expect.arrayContaining(["emr", "s3", "sts", "iam", "ec2", "kms", "kinesis"]));
    expect(aws.access_key).toBeUndefined();
    expect((stacks.local as any).terraform.backend.local.path).toBe("../../../terraform.emr-local.tfstate");
  });

  test("real environments carry no endpoint overrides", () => {
    for (const name of ["dev", "staging", "prod"]) expect((stacks[name] as any).provider.aws[0].endpoints).toBeUndefined();
  });
});
