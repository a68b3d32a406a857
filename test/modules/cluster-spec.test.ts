/**
 * One cluster definition, two renderings: the environment's Terraform aws_emr_cluster (+ task instance group) and
 * the transient pipeline cluster's RunJobFlow parameters must agree field by field. Staging: its financialDaily
 * pipeline overrides no capacity, and it uses custom autoscaling, so the task group and its policy are compared too.
 */
import { Testing } from "cdktf";
import { loadEnvironment } from "../../environments";
import { EmrPlatformStack } from "../../modules/platform-stack";
import { terraformRendered } from "../../contracts/terraform-literal";
import { GP3_BASELINE_THROUGHPUT } from "../../environments/checks";

const json = JSON.parse(Testing.synth(new EmrPlatformStack(Testing.app(), "emr-staging", loadEnvironment("staging")))) as any;
const [cluster] = Object.values<any>(json.resource.aws_emr_cluster);
const [task] = Object.values<any>(json.resource.aws_emr_instance_group);
const machine = Object.values<any>(json.resource.aws_sfn_state_machine).find((sm) => String(sm.name).endsWith("financial-daily"));
const rjf = JSON.parse(terraformRendered(machine.definition)).States.CreateCluster.Parameters;
const group = (role: string) => rjf.Instances.InstanceGroups.find((g: any) => g.InstanceRole === role);
const ebs = (g: any) => g.EbsConfiguration.EbsBlockDeviceConfigs[0];

/** [field, Terraform value, RunJobFlow value]: each row must match. */
const ROWS: [string, unknown, unknown][] = [
  ["release label", cluster.release_label, rjf.ReleaseLabel],
  ["applications", cluster.applications, rjf.Applications.map((a: any) => a.Name)],
  ["service role", cluster.service_role, rjf.ServiceRole],
  ["autoscaling role", cluster.autoscaling_role, rjf.AutoScalingRole],
  ["security configuration", cluster.security_configuration, rjf.SecurityConfiguration],
  ["log URI", cluster.log_uri, rjf.LogUri],
  ["classifications", JSON.parse(terraformRendered(cluster.configurations_json)), rjf.Configurations],
  ["root volume", cluster.ebs_root_volume_size, rjf.EbsRootVolumeSize],
  ["visible to all users", cluster.visible_to_all_users, rjf.VisibleToAllUsers],
  ["step concurrency", cluster.step_concurrency_level, rjf.StepConcurrencyLevel],
  ["scale-down behaviour", cluster.scale_down_behavior, rjf.ScaleDownBehavior],
  ["subnet", cluster.ec2_attributes.subnet_id, rjf.Instances.Ec2SubnetId],
  ["master security group", cluster.ec2_attributes.emr_managed_master_security_group, rjf.Instances.EmrManagedMasterSecurityGroup],
  ["core security group", cluster.ec2_attributes.emr_managed_slave_security_group, rjf.Instances.EmrManagedSlaveSecurityGroup],
  ["service access security group", cluster.ec2_attributes.service_access_security_group, rjf.Instances.ServiceAccessSecurityGroup],
  ["key pair", cluster.ec2_attributes.key_name, rjf.Instances.Ec2KeyName],
  // Same instance profile: Terraform takes its ARN, RunJobFlow its name.
  ["instance profile", cluster.ec2_attributes.instance_profile.replace(/\.arn\}$/, ""), rjf.JobFlowRole.replace(/\.name\}$/, "")],
  ...(["master", "core"] as const).flatMap((role): [string, unknown, unknown][] => {
    const tf = cluster[`${role}_instance_group`];
    const g = group(role.toUpperCase());
    return [
      [`${role} name`, tf.name, g.Name],
      [`${role} instance type`, tf.instance_type, g.InstanceType],
      [`${role} count`, tf.instance_count, g.InstanceCount],
      [`${role} bid price`, tf.bid_price, g.BidPrice],
      [`${role} volume type`, tf.ebs_config[0].type, ebs(g).VolumeSpecification.VolumeType],
      [`${role} volume size`, tf.ebs_config[0].size, ebs(g).VolumeSpecification.SizeInGB],
      [`${role} iops`, tf.ebs_config[0].iops, ebs(g).VolumeSpecification.Iops],
      // Step Functions cannot send Throughput: the transient volume gets gp3's baseline, which the config check keeps the environment at.
      [`${role} throughput`, tf.ebs_config[0].throughput, ebs(g).VolumeSpecification.Throughput ?? GP3_BASELINE_THROUGHPUT],
      [`${role} volumes per instance`, tf.ebs_config[0].volumes_per_instance, ebs(g).VolumesPerInstance],
    ];
  }),
  ["task name", task.name, group("TASK").Name],
  ["task instance type", task.instance_type, group("TASK").InstanceType],
  ["task count", task.instance_count, group("TASK").InstanceCount],
  ["task bid price", task.bid_price, group("TASK").BidPrice],
  ["task volume size", task.ebs_config[0].size, ebs(group("TASK")).VolumeSpecification.SizeInGB],
  ["task autoscaling policy", JSON.parse(terraformRendered(task.autoscaling_policy)), group("TASK").AutoScalingPolicy],
  [
    "bootstrap actions",
    cluster.bootstrap_action.map((b: any) => [b.name, b.path, b.args]),
    rjf.BootstrapActions.map((b: any) => [b.Name, b.ScriptBootstrapAction.Path, b.ScriptBootstrapAction.Args]),
  ],
];

describe("aws_emr_cluster and the transient cluster's RunJobFlow render one cluster spec", () => {
  test.each(ROWS)("%s", (_field, terraform, runJobFlow) => {
    expect(runJobFlow).toEqual(terraform);
  });

  test("the comparison is not vacuous: every row has a value on the Terraform side", () => {
    // Staging sets no key pair, and its master and core groups are on-demand (no bid price).
    const optional = ["key pair", "master bid price", "core bid price"];
    const absent = ROWS.filter(([field, tf]) => tf === undefined && !optional.includes(field)).map(([field]) => field);
    expect(absent).toEqual([]);
    expect(ROWS.length).toBeGreaterThan(40);
  });

  test("the fields Step Functions' createCluster does not model are not sent (the policy guard refuses them)", () => {
    expect(cluster.unhealthy_node_replacement).toBe(true);
    expect(rjf.Instances).not.toHaveProperty("UnhealthyNodeReplacement");
    expect(JSON.stringify(rjf.Instances)).not.toContain("Throughput");
  });

  test("only the transient cluster's own settings differ: idle auto-termination, no termination protection, kept alive for steps", () => {
    expect(rjf.AutoTerminationPolicy).toEqual({ IdleTimeout: 30 * 60 });
    expect(rjf.Instances.TerminationProtected).toBe(false);
    expect(rjf.Instances.KeepJobFlowAliveWhenNoSteps).toBe(true);
  });

  test("tags: the EMR managed-policy tag plus what default_tags give the Terraform cluster", () => {
    const tags = Object.fromEntries(rjf.Tags.map((t: any) => [t.Key, t.Value]));
    expect(cluster.tags["for-use-with-amazon-emr-managed-policies"]).toBe("true");
    expect(tags["for-use-with-amazon-emr-managed-policies"]).toBe("true");
    const defaults = json.provider.aws[0].default_tags[0].tags;
    expect(Object.keys(defaults).length).toBeGreaterThan(3);
    for (const [key, value] of Object.entries(defaults)) expect({ key, value: tags[key] }).toEqual({ key, value });
    expect(tags.Pipeline).toBe("financialDaily");
  });
});

/**
 * Prod runs instance fleets, and its financialDaily pipeline is transient: RunJobFlow must send Instances.InstanceFleets
 * and Ec2SubnetIds, field by field what aws_emr_cluster's fleets and the task aws_emr_instance_fleet say. Its capacity
 * override (coreCount 4) equals the core fleet's target, so the two agree on the units too.
 */
describe("fleets: aws_emr_cluster + aws_emr_instance_fleet and RunJobFlow's InstanceFleets render one spec (prod)", () => {
  const prodJson = JSON.parse(Testing.synth(new EmrPlatformStack(Testing.app(), "emr-prod", loadEnvironment("prod")))) as any;
  const [prodCluster] = Object.values<any>(prodJson.resource.aws_emr_cluster);
  const [taskFleet] = Object.values<any>(prodJson.resource.aws_emr_instance_fleet);
  const [scaling] = Object.values<any>(prodJson.resource.aws_emr_managed_scaling_policy);
  const prodMachine = Object.values<any>(prodJson.resource.aws_sfn_state_machine).find((sm) => String(sm.name).endsWith("financial-daily"));
  const prodRjf = JSON.parse(terraformRendered(prodMachine.definition)).States.CreateCluster.Parameters;
  const fleetOf = (role: string) => prodRjf.Instances.InstanceFleets.find((f: any) => f.InstanceFleetType === role);
  const terraformFleets: Record<string, any> = { MASTER: prodCluster.master_instance_fleet, CORE: prodCluster.core_instance_fleet, TASK: taskFleet };

  const fleetRows = (["MASTER", "CORE", "TASK"] as const).flatMap((role): [string, unknown, unknown][] => {
    const tf = terraformFleets[role];
    const api = fleetOf(role);
    const spot = tf.launch_specifications?.spot_specification?.[0];
    const onDemand = tf.launch_specifications?.on_demand_specification?.[0];
    return [
      [`${role} name`, tf.name, api.Name],
      [`${role} on-demand target`, tf.target_on_demand_capacity, api.TargetOnDemandCapacity],
      [`${role} spot target`, tf.target_spot_capacity, api.TargetSpotCapacity],
      [
        `${role} instance types`,
        tf.instance_type_configs.map((t: any) => [t.instance_type, t.weighted_capacity, t.bid_price_as_percentage_of_on_demand_price]),
        api.InstanceTypeConfigs.map((t: any) => [t.InstanceType, t.WeightedCapacity, t.BidPriceAsPercentageOfOnDemandPrice]),
      ],
      [
        `${role} EBS`,
        tf.instance_type_configs.map((t: any) => [t.ebs_config[0].type, t.ebs_config[0].size, t.ebs_config[0].iops, t.ebs_config[0].volumes_per_instance]),
        api.InstanceTypeConfigs.map((t: any) => {
          const d = t.EbsConfiguration.EbsBlockDeviceConfigs[0];
          return [d.VolumeSpecification.VolumeType, d.VolumeSpecification.SizeInGB, d.VolumeSpecification.Iops, d.VolumesPerInstance];
        }),
      ],
      [`${role} spot specification`, spot && [spot.allocation_strategy, spot.timeout_action, spot.timeout_duration_minutes], api.LaunchSpecifications?.SpotSpecification && [api.LaunchSpecifications.SpotSpecification.AllocationStrategy, api.LaunchSpecifications.SpotSpecification.TimeoutAction, api.LaunchSpecifications.SpotSpecification.TimeoutDurationMinutes]],
      [`${role} on-demand specification`, onDemand?.allocation_strategy, api.LaunchSpecifications?.OnDemandSpecification?.AllocationStrategy],
    ];
  });
  const limits = scaling.compute_limits[0];
  const apiLimits = prodRjf.ManagedScalingPolicy.ComputeLimits;
  const rows: [string, unknown, unknown][] = [
    ["subnets", prodCluster.ec2_attributes.subnet_ids, prodRjf.Instances.Ec2SubnetIds],
    ["managed scaling unit type", limits.unit_type, apiLimits.UnitType],
    ["managed scaling limits", [limits.minimum_capacity_units, limits.maximum_capacity_units, limits.maximum_ondemand_capacity_units, limits.maximum_core_capacity_units], [apiLimits.MinimumCapacityUnits, apiLimits.MaximumCapacityUnits, apiLimits.MaximumOnDemandCapacityUnits, apiLimits.MaximumCoreCapacityUnits]],
    ...fleetRows,
  ];

  test.each(rows)("%s", (_field, terraform, runJobFlow) => {
    expect(runJobFlow).toEqual(terraform);
  });

  test("the comparison is not vacuous, and fleets replace groups on both sides", () => {
    const optional = ["MASTER spot specification", "MASTER on-demand specification", "CORE spot specification"];
    expect(rows.filter(([field, tf]) => tf === undefined && !optional.includes(field)).map(([field]) => field)).toEqual([]);
    expect(prodRjf.Instances.InstanceFleets).toHaveLength(3);
    expect(prodRjf.Instances).not.toHaveProperty("InstanceGroups");
    expect(prodRjf.Instances).not.toHaveProperty("Ec2SubnetId");
    expect(prodRjf).not.toHaveProperty("AutoScalingRole");
    expect(prodRjf.ManagedScalingPolicy.ComputeLimits.UnitType).toBe("InstanceFleetUnits");
    expect(prodCluster.ec2_attributes.subnet_ids).toHaveLength(3);
    // No Throughput on either side: provider 6.25's fleet ebs_config has none.
    expect(JSON.stringify(prodRjf.Instances.InstanceFleets)).not.toContain("Throughput");
  });
});
