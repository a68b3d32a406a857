import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Testing } from "cdktf";
import type { Construct } from "constructs";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { EmrCluster } from "@cdktf/provider-aws/lib/emr-cluster";
import { EmrManagedScalingPolicy } from "@cdktf/provider-aws/lib/emr-managed-scaling-policy";
import { EmrSecurityConfiguration } from "@cdktf/provider-aws/lib/emr-security-configuration";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { environmentInput, loadEnvironment, parseEnvironment, type EnvironmentInput } from "../../environments";
import type { EnvironmentConfig } from "../../environments/schema";
import { PlatformCluster, type PlatformClusterProps } from "../../modules/emr-cluster";
import { readRequirementPins } from "../../modules/emr-cluster/bootstrap-script";
import { spotBidPrice } from "../../modules/emr-cluster/bid-price";
import { defaultPriceTable } from "../../environments/instance-types";
import { terraformRendered } from "../../contracts/terraform-literal";
import { prodOnGroups, prodOnGroupsInput } from "../support/prod-on-groups";

const LOGS = "emr-platform-dev-logs";
const ARTIFACTS = "emr-platform-dev-artifacts";

/** Minimal real resources for every prop: roles, profile, security groups, security configuration, an attachment. */
function props(scope: Construct, config: EnvironmentConfig, overrides: Partial<PlatformClusterProps> = {}): PlatformClusterProps {
  new AwsProvider(scope, "aws", { region: "eu-west-1" });
  const role = (id: string, service: string) => {
    const trust = new DataAwsIamPolicyDocument(scope, `${id}-trust`, {
      statement: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: [service] }] }],
    });
    return new IamRole(scope, id, { name: id, assumeRolePolicy: trust.json });
  };
  const serviceRole = role("service-role", "elasticmapreduce.amazonaws.com");
  const instanceRole = role("instance-role", "ec2.amazonaws.com");
  const autoscalingRole = role("autoscaling-role", "application-autoscaling.amazonaws.com");
  const group = (id: string) => new SecurityGroup(scope, id, { name: id, vpcId: "vpc-0123456789abcdef0", revokeRulesOnDelete: true });
  const attachment = new IamRolePolicyAttachment(scope, "service-policy", {
    role: serviceRole.name,
    policyArn: "arn:aws:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2",
  });
  return {
    config,
    name: "emr-platform-dev",
    subnetId: "subnet-0123456789abcdef0",
    subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1", "subnet-0123456789abcdef2"],
    serviceRole,
    instanceProfile: new IamInstanceProfile(scope, "profile", { name: "profile", role: instanceRole.name }),
    autoscalingRole: config.scaling.autoscaling ? autoscalingRole : undefined,
    securityGroups: { master: group("master-sg"), core: group("core-sg"), serviceAccess: group("service-access-sg") },
    securityConfiguration: new EmrSecurityConfiguration(scope, "security-configuration", { name: "sc-abc123", configuration: "{}" }),
    logsBucket: { bucketName: LOGS },
    artifactsBucket: { bucketName: ARTIFACTS },
    dependsOn: [attachment],
    ...overrides,
  };
}

function synth(config: EnvironmentConfig, overrides: Partial<PlatformClusterProps> = {}) {
  let built: PlatformCluster | undefined;
  const json = Testing.synthScope((scope) => {
    built = new PlatformCluster(scope, "cluster", props(scope, config, overrides));
  });
  const parsed = JSON.parse(json);
  const only = (type: string): Record<string, any> => {
    const all = Object.values<Record<string, any>>(parsed.resource?.[type] ?? {});
    if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
    return all[0];
  };
  const count = (type: string) => Object.keys(parsed.resource?.[type] ?? {}).length;
  return { json, parsed, only, count, built: built! };
}

function variant(name: "dev" | "staging" | "prod" | "local", patch: (input: EnvironmentInput) => void): EnvironmentConfig {
  const input = environmentInput(name);
  patch(input);
  return parseEnvironment(input);
}

describe("PlatformCluster (dev: custom autoscaling, spot task nodes, auto-termination)", () => {
  const { json, only, built } = synth(loadEnvironment("dev"));
  const cluster = only("aws_emr_cluster");

  test("the cluster is named exactly `name`, runs the configured release and applications", () => {
    expect(json).toHaveResourceWithProperties(EmrCluster, {
      name: "emr-platform-dev",
      release_label: "emr-7.12.0",
      applications: ["Hadoop", "Spark", "Livy", "Zeppelin"],
    });
  });

  test("logs go to s3://<logs bucket>/emr/ with the trailing slash", () => {
    expect(cluster.log_uri).toBe(`s3://${LOGS}/emr/`);
    expect(built.logUri).toBe(`s3://${LOGS}/emr/`);
  });

  test("stays alive between steps, is visible to all users, replaces unhealthy nodes, runs steps concurrently", () => {
    expect(cluster).toMatchObject({
      keep_job_flow_alive_when_no_steps: true,
      visible_to_all_users: true,
      unhealthy_node_replacement: true,
      step_concurrency_level: 2,
      termination_protection: false,
      ebs_root_volume_size: 32,
      scale_down_behavior: "TERMINATE_AT_TASK_COMPLETION",
    });
  });

  test("auto-terminates after the configured idle timeout", () => {
    expect(cluster.auto_termination_policy).toEqual({ idle_timeout: 3600 });
  });

  test("references the service role, security configuration, subnet, EMR-managed security groups and instance profile", () => {
    expect(cluster.service_role).toMatch(/^\$\{aws_iam_role\.service-role\.arn\}$/);
    expect(cluster.security_configuration).toMatch(/^\$\{aws_emr_security_configuration\.security-configuration\.name\}$/);
    expect(cluster.ec2_attributes).toEqual({
      subnet_id: "subnet-0123456789abcdef0",
      instance_profile: "${aws_iam_instance_profile.profile.arn}",
      emr_managed_master_security_group: "${aws_security_group.master-sg.id}",
      emr_managed_slave_security_group: "${aws_security_group.core-sg.id}",
      service_access_security_group: "${aws_security_group.service-access-sg.id}",
    });
  });

  test("custom autoscaling puts the autoscaling role on the cluster", () => {
    expect(cluster.autoscaling_role).toBe("${aws_iam_role.autoscaling-role.arn}");
  });

  test("ignores step and kerberos_attributes changes, and waits for the role policies and the bootstrap object", () => {
    expect(cluster.lifecycle).toEqual({ ignore_changes: ["step", "kerberos_attributes"] });
    expect(cluster.depends_on).toEqual(["aws_iam_role_policy_attachment.service-policy", expect.stringMatching(/^aws_s3_object\./)]);
  });

  test("master and core are on-demand instance groups on the cluster with gp3 EBS and no bid price", () => {
    const gp3 = { type: "gp3", size: 64, iops: 3000, throughput: 125, volumes_per_instance: 1 };
    expect(cluster.master_instance_group).toEqual({ name: "master", instance_type: "m6i.xlarge", instance_count: 1, ebs_config: [gp3] });
    expect(cluster.core_instance_group).toEqual({ name: "core", instance_type: "m6i.xlarge", instance_count: 2, ebs_config: [gp3] });
  });

  test("the task group is a separate spot instance group bidding m6i.xlarge's eu-west-1 on-demand price, with gp3 EBS", () => {
    expect(only("aws_emr_instance_group")).toMatchObject({
      cluster_id: expect.stringMatching(/^\$\{aws_emr_cluster\.[\w-]+\.id\}$/),
      name: "task",
      instance_type: "m6i.xlarge",
      instance_count: 0,
      bid_price: "0.214", // environments/instance-types.json: eu-west-1 m6i.xlarge ec2 0.214
      ebs_config: [{ type: "gp3", size: 64, iops: 3000, volumes_per_instance: 1 }],
      lifecycle: { ignore_changes: ["instance_count"] },
    });
  });

  test("the synthesized autoscaling policy carries no Dimensions (EMR adds JobFlowId; the provider strips it on read)", () => {
    const synthesized: string = only("aws_emr_instance_group").autoscaling_policy;
    expect(synthesized).not.toContain("Dimensions");
    expect(synthesized).not.toContain("JobFlowId");
    const sent = JSON.parse(terraformRendered(synthesized));
    expect(sent.Constraints).toEqual({ MinCapacity: 0, MaxCapacity: 4 });
    expect(sent.Rules.map((r: any) => Object.keys(r.Trigger.CloudWatchAlarmDefinition).sort())).toEqual(
      Array(3).fill(["ComparisonOperator", "EvaluationPeriods", "MetricName", "Namespace", "Period", "Statistic", "Threshold", "Unit"]),
    );
    expect(sent).toEqual(JSON.parse(built.autoscalingPolicyJson!));
  });

  test("creates no managed scaling policy alongside custom autoscaling", () => {
    expect(json).not.toHaveResource(EmrManagedScalingPolicy);
  });

  test("configurations_json is the classification builder's output, with ApplicationMasters kept on on-demand nodes", () => {
    const sent = JSON.parse(terraformRendered(cluster.configurations_json));
    expect(sent).toEqual(JSON.parse(built.configurationsJson));
    const yarnSite = sent.find((c: any) => c.Classification === "yarn-site");
    expect(yarnSite.Properties["yarn.node-labels.am.default-node-label-expression"]).toBe("ON_DEMAND");
    const exports = sent.find((c: any) => c.Classification === "spark-env").Configurations[0].Properties;
    expect(exports.PYSPARK_PYTHON).toBe("/usr/bin/python3.11");
  });
});

describe("PlatformCluster bootstrap action", () => {
  const { json, only, built } = synth(loadEnvironment("dev"));
  const object = only("aws_s3_object");

  test("uploads the script to the artifacts bucket under a content-hashed bootstrap/ key", () => {
    expect(object).toMatchObject({ bucket: ARTIFACTS, content_type: "text/x-shellscript" });
    expect(object.key).toMatch(/^bootstrap\/install-python-deps-[0-9a-f]{16}\.sh$/);
    expect(built.bootstrapUri).toBe(`s3://${ARTIFACTS}/${object.key}`);
  });

  test("the script installs every pin of spark-jobs/requirements.txt, and reaches S3 unchanged by Terraform", () => {
    const script = terraformRendered(object.content);
    for (const pin of readRequirementPins()) expect(script).toContain(`'${pin}'`);
    expect(object.content).toContain('"$${PINS[@]}"');
    expect(object.content).not.toMatch(/(^|[^$])\$\{/);
  });

  test("the cluster's first bootstrap action runs exactly that object", () => {
    expect(json).toHaveResourceWithProperties(EmrCluster, {
      bootstrap_action: [{ name: "install-python-deps", path: `s3://${ARTIFACTS}/${object.key}`, args: [] }],
    });
    expect(json).toHaveResourceWithProperties(S3Object, { key: object.key });
  });

  describe("with other requirements files", () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(path.join(tmpdir(), "emr-cluster-"));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    let files = 0;
    const keyFor = (pins: string) => {
      const file = path.join(dir, `requirements-${(files += 1)}.txt`);
      writeFileSync(file, pins);
      return synth(loadEnvironment("dev"), { requirementsFile: file }).only("aws_s3_object").key as string;
    };

    test("a pin change changes the object key (and so the cluster's bootstrap path)", () => {
      expect(keyFor("pandas==2.2.3\n")).not.toBe(keyFor("pandas==2.2.2\n"));
      expect(keyFor("pandas==2.2.3\n")).toBe(keyFor("pandas==2.2.3\n"));
    });

    test("fails if the requirements file is missing, naming the file", () => {
      expect(() => synth(loadEnvironment("dev"), { requirementsFile: path.join(dir, "nope", "requirements.txt") })).toThrow(
        /requirements\.txt: not found; fix: create it/,
      );
    });
  });

  test("the environment's own bootstrap actions run after ours, in order", () => {
    const config = variant("dev", (input) => {
      input.bootstrapActions = [{ name: "agent", path: "s3://tools-bucket/agent.sh", args: ["--quiet"] }];
    });
    expect(synth(config).only("aws_emr_cluster").bootstrap_action).toEqual([
      expect.objectContaining({ name: "install-python-deps" }),
      { name: "agent", path: "s3://tools-bucket/agent.sh", args: ["--quiet"] },
    ]);
  });
});

/** A variant of prod on instance groups (prod itself runs fleets). */
function prodGroupsVariant(patch: (input: EnvironmentInput) => void): EnvironmentConfig {
  const input = prodOnGroupsInput();
  patch(input);
  return parseEnvironment(input);
}

describe("PlatformCluster (prod on instance groups: managed scaling in instances, termination protection)", () => {
  const { json, only, count } = synth(prodOnGroups());
  const cluster = only("aws_emr_cluster");

  test("is termination-protected and has no auto-termination policy", () => {
    expect(cluster.termination_protection).toBe(true);
    expect(cluster).not.toHaveProperty("auto_termination_policy");
    expect(cluster.step_concurrency_level).toBe(10);
  });

  test("managed scaling sets compute limits in instances, with the on-demand and core caps", () => {
    expect(json).toHaveResourceWithProperties(EmrManagedScalingPolicy, {
      cluster_id: expect.stringMatching(/^\$\{aws_emr_cluster\.[\w-]+\.id\}$/),
      compute_limits: [
        {
          unit_type: "Instances",
          minimum_capacity_units: 4,
          maximum_capacity_units: 20,
          maximum_ondemand_capacity_units: 4,
          maximum_core_capacity_units: 4,
        },
      ],
    });
  });

  test("managed scaling resizes core, so Terraform ignores its instance count; no autoscaling role", () => {
    expect(cluster.lifecycle.ignore_changes).toEqual(["step", "kerberos_attributes", "core_instance_group[0].instance_count"]);
    expect(cluster).not.toHaveProperty("autoscaling_role");
  });

  test("a spot task group gives managed scaling room past the core cap: 4 core + 16 spot task nodes reach 20", () => {
    expect(count("aws_emr_instance_group")).toBe(1);
    expect(only("aws_emr_instance_group")).toMatchObject({
      name: "task",
      instance_type: "r6i.2xlarge",
      bid_price: "0.564", // prices.json: eu-west-1 r6i.2xlarge ec2 0.564
      lifecycle: { ignore_changes: ["instance_count"] },
    });
    expect(only("aws_emr_instance_group")).not.toHaveProperty("autoscaling_policy");
  });

  test("omits optional managed-scaling caps that are not configured", () => {
    const config = prodGroupsVariant((input) => {
      input.scaling = { managed: { minCapacity: 3, maxCapacity: 6 } };
    });
    expect(synth(config).only("aws_emr_managed_scaling_policy").compute_limits).toEqual([
      { unit_type: "Instances", minimum_capacity_units: 3, maximum_capacity_units: 6 },
    ]);
  });
});

describe("PlatformCluster (prod: instance fleets, managed scaling in units)", () => {
  const { json, only, count, built } = synth(loadEnvironment("prod"));
  const cluster = only("aws_emr_cluster");
  const task = only("aws_emr_instance_fleet");

  test("master and core are fleets on the cluster, with no instance groups at all", () => {
    expect(cluster).not.toHaveProperty("master_instance_group");
    expect(cluster).not.toHaveProperty("core_instance_group");
    expect(count("aws_emr_instance_group")).toBe(0);
    expect(cluster.master_instance_fleet).toMatchObject({ name: "master", target_on_demand_capacity: 1, target_spot_capacity: 0 });
    expect(cluster.core_instance_fleet).toMatchObject({
      name: "core",
      target_on_demand_capacity: 4,
      target_spot_capacity: 0,
      launch_specifications: { on_demand_specification: [{ allocation_strategy: "lowest-price" }] },
    });
    expect(cluster.core_instance_fleet.instance_type_configs.map((t: any) => t.instance_type)).toEqual(["r6i.2xlarge", "r5.2xlarge"]);
  });

  test("fleet EBS carries no throughput (provider 6.25's fleet ebs_config has none)", () => {
    const configs = [...cluster.master_instance_fleet.instance_type_configs, ...cluster.core_instance_fleet.instance_type_configs, ...task.instance_type_configs];
    expect(configs.length).toBe(10);
    for (const t of configs) expect(Object.keys(t.ebs_config[0]).sort()).toEqual(["iops", "size", "type", "volumes_per_instance"]);
    expect(cluster.core_instance_fleet.instance_type_configs[0].ebs_config[0]).toEqual({ type: "gp3", size: 500, iops: 3000, volumes_per_instance: 1 });
  });

  test("every private subnet is offered (subnet_ids), not one subnet", () => {
    expect(cluster.ec2_attributes.subnet_ids).toEqual(["subnet-0123456789abcdef0", "subnet-0123456789abcdef1", "subnet-0123456789abcdef2"]);
    expect(cluster.ec2_attributes).not.toHaveProperty("subnet_id");
  });

  test("the task fleet is an aws_emr_instance_fleet: diversified spot, weighted, with spot timeouts", () => {
    expect(task).toMatchObject({
      name: "task",
      cluster_id: expect.stringMatching(/^\$\{aws_emr_cluster\.[\w-]+\.id\}$/),
      target_on_demand_capacity: 0,
      target_spot_capacity: 2,
      launch_specifications: {
        spot_specification: [{ allocation_strategy: "price-capacity-optimized", timeout_action: "SWITCH_TO_ON_DEMAND", timeout_duration_minutes: 10 }],
        on_demand_specification: [{ allocation_strategy: "lowest-price" }],
      },
    });
    expect(task.instance_type_configs.map((t: any) => [t.instance_type, t.weighted_capacity])).toEqual([
      ["r6i.2xlarge", 1],
      ["r5.2xlarge", 1],
      ["m6i.4xlarge", 1],
      ["m5.4xlarge", 1],
      ["r6i.4xlarge", 2],
      ["r5.4xlarge", 2],
    ]);
    expect(built.taskFleet).toBeDefined();
    expect(built.taskGroup).toBeUndefined();
  });

  test("managed scaling owns the targets: Terraform ignores core's and the task fleet's target capacities", () => {
    expect(cluster.lifecycle.ignore_changes).toEqual([
      "step",
      "kerberos_attributes",
      "core_instance_fleet[0].target_on_demand_capacity",
      "core_instance_fleet[0].target_spot_capacity",
    ]);
    expect(task.lifecycle.ignore_changes).toEqual(["target_on_demand_capacity", "target_spot_capacity"]);
  });

  test("managed scaling counts InstanceFleetUnits, with the limits the config checks keep consistent with the targets", () => {
    expect(json).toHaveResourceWithProperties(EmrManagedScalingPolicy, {
      compute_limits: [
        { unit_type: "InstanceFleetUnits", minimum_capacity_units: 4, maximum_capacity_units: 20, maximum_ondemand_capacity_units: 4, maximum_core_capacity_units: 4 },
      ],
    });
  });

  test("no autoscaling role with fleets", () => {
    expect(cluster).not.toHaveProperty("autoscaling_role");
  });

  test("without managed scaling the targets are Terraform's: nothing ignored", () => {
    const input = environmentInput("prod");
    input.scaling = {};
    const fixed = synth(parseEnvironment(input));
    expect(fixed.only("aws_emr_instance_fleet")).not.toHaveProperty("lifecycle");
    expect(fixed.only("aws_emr_cluster").lifecycle.ignore_changes).toEqual(["step", "kerberos_attributes"]);
  });
});

describe("PlatformCluster variants", () => {
  test("a fixed on-demand task group without scaling has no bid price, policy or ignored count", () => {
    const config = variant("dev", (input) => {
      input.scaling = {};
      input.instances = { ...input.instances, task: { instanceType: "m6i.2xlarge", count: 3, market: "ON_DEMAND" } };
    });
    const group = synth(config).only("aws_emr_instance_group");
    expect(group).toMatchObject({ instance_type: "m6i.2xlarge", instance_count: 3 });
    expect(group).not.toHaveProperty("bid_price");
    expect(group).not.toHaveProperty("autoscaling_policy");
    expect(group).not.toHaveProperty("lifecycle");
  });

  test("managed scaling without a core cap grows core itself: no task group", () => {
    const config = prodGroupsVariant((input) => {
      input.scaling = { managed: { minCapacity: 3, maxCapacity: 6 } };
    });
    expect(synth(config).count("aws_emr_instance_group")).toBe(0);
  });

  test("a spot type missing from the price table is refused at validation, before the cluster prices its bid", () => {
    expect(() =>
      variant("dev", (input) => {
        input.instances = { ...input.instances, task: { instanceType: "x2idn.16xlarge", count: 0, market: "SPOT" } };
      }),
    ).toThrow(/instances\.task\.instanceType = "x2idn\.16xlarge": not in environments\/instance-types\.json for eu-west-1; fix: add its row/);
  });

  test("the bid falls back to naming bidPrice when a table has no price for the type (defensive; validation refuses it first)", () => {
    const task = loadEnvironment("dev").instances.task;
    const empty = { ...defaultPriceTable(), regions: {} };
    expect(() => spotBidPrice("task", task, "eu-west-1", empty)).toThrow(/instances\.task\.bidPrice: no on-demand price for m6i\.xlarge in eu-west-1.*fix: set bidPrice/);
  });

  test("no scaling and no task nodes: no task group", () => {
    const config = variant("dev", (input) => {
      input.scaling = {};
    });
    expect(synth(config).count("aws_emr_instance_group")).toBe(0);
  });

  test("a spot group with a bid price uses it; the task count starts inside the autoscaling range", () => {
    const config = variant("dev", (input) => {
      input.instances = { ...input.instances, task: { count: 0, market: "SPOT", bidPrice: "0.12" } };
      input.scaling = { autoscaling: { minCapacity: 2, maxCapacity: 5 } };
    });
    expect(synth(config).only("aws_emr_instance_group")).toMatchObject({ bid_price: "0.12", instance_count: 2 });
  });

  test("spot core nodes get a bid price, and ApplicationMasters are not pinned to on-demand nodes (there would be none)", () => {
    const config = variant("dev", (input) => {
      input.instances = { ...input.instances, core: { count: 2, market: "SPOT" } };
    });
    const { only, built } = synth(config);
    expect(only("aws_emr_cluster").core_instance_group.bid_price).toBe("0.214");
    expect(built.configurationsJson).not.toContain("yarn.node-labels");
  });

  test("releases before 7.2 get no ApplicationMaster labels", () => {
    const config = variant("dev", (input) => {
      input.releaseLabel = "emr-7.1.0";
    });
    expect(synth(config).built.configurationsJson).not.toContain("yarn.node-labels");
  });

  test("an SSH key pair is passed as key_name; no auto-termination policy when it is off", () => {
    const config = variant("dev", (input) => {
      input.access = { adminCidrs: ["10.0.0.0/8"], keyPairName: "ops" };
      input.autoTermination = { enabled: false };
    });
    const cluster = synth(config).only("aws_emr_cluster");
    expect(cluster.ec2_attributes.key_name).toBe("ops");
    expect(cluster).not.toHaveProperty("auto_termination_policy");
  });

  test("environment Spark settings containing ${…} reach EMR literally", () => {
    const config = variant("dev", (input) => {
      input.classifications = { sparkEnv: { SPARK_CLASSPATH: "${HADOOP_HOME}/lib" } };
    });
    const synthesized: string = synth(config).only("aws_emr_cluster").configurations_json;
    expect(synthesized).toContain('"SPARK_CLASSPATH":"$${HADOOP_HOME}/lib"');
  });
});

describe("PlatformCluster guards its own props (config rules: test/environments/checks.test.ts)", () => {
  const dev = loadEnvironment("dev");

  test("fails if custom autoscaling is configured without the autoscaling role", () => {
    expect(() => synth(dev, { autoscalingRole: undefined })).toThrow(/autoscalingRole: missing while scaling\.autoscaling is set/);
  });
});
