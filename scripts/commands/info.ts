/**
 * `info`: the cluster's facts and how to reach it; `--json` for scripts. Fetching is thin; `buildClusterInfo` and `renderClusterInfo` are
 * pure, so managed scaling (which moto lacks) is tested on recorded GetManagedScalingPolicy responses, and instance
 * fleets on recorded ListInstanceFleets and ListInstances responses (moto's ListInstanceFleets answers HTTP 500).
 * Scaling and capacity are told in the capacity model's words (modules/emr-cluster/capacity-model.ts).
 */
import {
  type Cluster,
  GetManagedScalingPolicyCommand,
  type Instance,
  type InstanceFleet,
  type InstanceGroup,
  ListInstanceFleetsCommand,
  ListInstanceGroupsCommand,
  ListInstancesCommand,
  type ManagedScalingPolicy,
} from "@aws-sdk/client-emr";
import type { Command } from "commander";
import type { EnvironmentConfig } from "../../environments";
import { EMR_ROLE, NODE_ROLES, type CapacityShape } from "../../contracts/emr";
import { capacityUnitOf, type ScalingMode } from "../../modules/emr-cluster/capacity-model";
import { PREFIXES } from "../../contracts/stack-outputs";
import { type CommandRunner, envCommand } from "../lib/cli-args";
import { describeCluster, type EmrApi, stateReason } from "../lib/cluster";
import type { CommandContext } from "../lib/context";
import { CliError } from "../lib/errors";
import { table } from "../lib/output";
import { type ApplicationInfo, applicationInfo, getApplication, renderApplicationInfo } from "../lib/serverless-application";
import type { PartialOutputs } from "../lib/stack-outputs";

export const WEB_UIS = [
  { name: "YARN ResourceManager", port: 8088, application: "Hadoop" },
  { name: "Spark history server", port: 18080, application: "Spark" },
  { name: "Zeppelin", port: 8890, application: "Zeppelin" },
  { name: "HDFS NameNode", port: 9870, application: "Hadoop" },
] as const;

export interface NodeGroupInfo {
  role: string;
  name: string;
  instanceType: string;
  market: string;
  requested: number;
  running: number;
}

export interface ScalingInfo {
  kind: ScalingMode;
  min?: number;
  max?: number;
  /** Which group custom rules scale, or what managed scaling counts: instances (groups) or units (fleets). */
  detail?: string;
}

/** One instance fleet: what it targets, what EMR provisioned (units, and instances by type and market), how it allocates. */
export interface FleetInfo {
  role: string;
  name: string;
  state: string;
  onDemandUnits: { target: number; provisioned: number };
  spotUnits: { target: number; provisioned: number };
  /** The types the fleet may use, with their weights. */
  offered: { instanceType: string; weightedCapacity: number }[];
  /** Running (or starting) instances by type and market, from ListInstances. */
  provisioned: { instanceType: string; market: string; count: number }[];
  onDemandAllocationStrategy?: string;
  spotAllocationStrategy?: string;
  /** e.g. "SWITCH_TO_ON_DEMAND after 10 min" */
  spotTimeout?: string;
}

export interface Tunnel {
  ui: string;
  port: number;
  localUrl: string;
  command: string;
}

export interface ClusterInfo {
  environment: string;
  region: string;
  /** How the cluster was found: "terraform outputs", "--cluster-id" or "EMR API (…)". */
  foundVia: string;
  cluster: {
    id: string;
    name: string;
    state: string;
    stateReason?: string;
    releaseLabel: string;
    applications: string[];
    masterPublicDns?: string;
    terminationProtected: boolean;
    securityConfiguration?: string;
    logUri?: string;
    keyName?: string;
    shape: CapacityShape;
    /** Instance groups (empty for a fleets cluster). */
    nodeGroups: NodeGroupInfo[];
    /** Instance fleets (empty for a groups cluster). */
    fleets: FleetInfo[];
    scaling: ScalingInfo;
  };
  storage: {
    dataBucket?: string;
    raw?: string;
    processed?: string;
    rejected?: string;
    artifactsBucket?: string;
    jobs?: string;
    logsBucket?: string;
  };
  tunnels: Tunnel[];
  consoleUrl: string;
}

export function consoleUrl(region: string, clusterId: string): string {
  return `https://${region}.console.aws.amazon.com/emr/home?region=${region}#/clusterDetails/${clusterId}`;
}

/** One `ssh -N -L` per web UI of an installed application (SSH tunnels: the UIs have no public ingress). */
export function tunnels(masterDns: string | undefined, keyName: string | undefined, applications: readonly string[]): Tunnel[] {
  if (!masterDns) return [];
  const key = keyName ? `~/.ssh/${keyName}.pem` : "<your-key.pem>";
  const installed = new Set(applications.map((a) => a.toLowerCase()));
  return WEB_UIS.filter((ui) => installed.has(ui.application.toLowerCase())).map((ui) => ({
    ui: ui.name,
    port: ui.port,
    localUrl: `http://localhost:${ui.port}/`,
    command: `ssh -i ${key} -N -L ${ui.port}:localhost:${ui.port} hadoop@${masterDns}`,
  }));
}

/** Managed scaling wins when set; else the custom autoscaling constraints of the group that carries them. */
export function scalingInfo(groups: readonly InstanceGroup[], managed: ManagedScalingPolicy | undefined): ScalingInfo {
  const limits = managed?.ComputeLimits;
  if (limits?.MinimumCapacityUnits !== undefined && limits.MaximumCapacityUnits !== undefined) {
    return { kind: "managed", min: limits.MinimumCapacityUnits, max: limits.MaximumCapacityUnits, detail: capacityUnitOf(limits.UnitType) ?? limits.UnitType?.toLowerCase() };
  }
  const scaled = groups.find((g) => g.AutoScalingPolicy?.Constraints);
  if (scaled) {
    const c = scaled.AutoScalingPolicy!.Constraints!;
    return { kind: "custom", min: c.MinCapacity, max: c.MaxCapacity, detail: `${scaled.InstanceGroupType?.toLowerCase()} group ${scaled.Name ?? scaled.Id}` };
  }
  return { kind: "none" };
}

const ROLE_ORDER: readonly string[] = NODE_ROLES.map((role) => EMR_ROLE[role]);

export function nodeGroups(groups: readonly InstanceGroup[]): NodeGroupInfo[] {
  return groups
    .map((g) => ({
      role: g.InstanceGroupType ?? "?",
      name: g.Name ?? g.Id ?? "",
      instanceType: g.InstanceType ?? "?",
      market: g.Market ?? "?",
      requested: g.RequestedInstanceCount ?? 0,
      running: g.RunningInstanceCount ?? 0,
    }))
    .sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role));
}

/** Fleets with their instances (ListInstances rows carry InstanceFleetId, InstanceType and Market). */
export function fleetInfos(fleets: readonly InstanceFleet[], instances: readonly Instance[]): FleetInfo[] {
  return fleets
    .map((f): FleetInfo => {
      const counts = new Map<string, { instanceType: string; market: string; count: number }>();
      for (const i of instances.filter((i) => i.InstanceFleetId === f.Id)) {
        const key = `${i.InstanceType}/${i.Market}`;
        const row = counts.get(key) ?? { instanceType: i.InstanceType ?? "?", market: i.Market ?? "?", count: 0 };
        row.count += 1;
        counts.set(key, row);
      }
      const spot = f.LaunchSpecifications?.SpotSpecification;
      return {
        role: f.InstanceFleetType ?? "?",
        name: f.Name ?? f.Id ?? "",
        state: f.Status?.State ?? "?",
        onDemandUnits: { target: f.TargetOnDemandCapacity ?? 0, provisioned: f.ProvisionedOnDemandCapacity ?? 0 },
        spotUnits: { target: f.TargetSpotCapacity ?? 0, provisioned: f.ProvisionedSpotCapacity ?? 0 },
        offered: (f.InstanceTypeSpecifications ?? []).map((t) => ({ instanceType: t.InstanceType ?? "?", weightedCapacity: t.WeightedCapacity ?? 1 })),
        provisioned: [...counts.values()].sort((a, b) => b.count - a.count || a.instanceType.localeCompare(b.instanceType)),
        ...(f.LaunchSpecifications?.OnDemandSpecification?.AllocationStrategy ? { onDemandAllocationStrategy: f.LaunchSpecifications.OnDemandSpecification.AllocationStrategy } : {}),
        ...(spot?.AllocationStrategy ? { spotAllocationStrategy: spot.AllocationStrategy } : {}),
        ...(spot?.TimeoutAction ? { spotTimeout: `${spot.TimeoutAction} after ${spot.TimeoutDurationMinutes ?? "?"} min` } : {}),
      };
    })
    .sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role));
}

export interface InfoInputs {
  config: EnvironmentConfig;
  cluster: Cluster;
  groups: readonly InstanceGroup[];
  fleets: readonly InstanceFleet[];
  /** The fleets' instances (ListInstances); empty for a groups cluster. */
  instances?: readonly Instance[];
  managed?: ManagedScalingPolicy;
  outputs: PartialOutputs;
  foundVia: string;
}

/** States in which the cluster's nodes are gone or going (EMR ClusterState). */
const ENDED_STATES: ReadonlySet<string> = new Set(["TERMINATING", "TERMINATED", "TERMINATED_WITH_ERRORS"]);

export function buildClusterInfo(inputs: InfoInputs): ClusterInfo {
  const { config, cluster, outputs } = inputs;
  const id = cluster.Id ?? "?";
  const applications = (cluster.Applications ?? []).map((a) => a.Name ?? "").filter(Boolean);
  const masterPublicDns = cluster.MasterPublicDnsName || outputs.masterPublicDns || undefined;
  const keyName = cluster.Ec2InstanceAttributes?.Ec2KeyName || config.access.keyPairName;
  const state = cluster.Status?.State ?? "UNKNOWN";
  const data = outputs.dataBucket;
  const uri = (bucket: string | undefined, prefix: string | undefined) => (bucket ? `s3://${bucket}/${prefix ?? ""}` : undefined);
  return {
    environment: config.name,
    region: config.region,
    foundVia: inputs.foundVia,
    cluster: {
      id,
      name: cluster.Name ?? "?",
      state,
      stateReason: cluster.Status?.StateChangeReason?.Code || cluster.Status?.StateChangeReason?.Message ? stateReason(cluster) : undefined,
      releaseLabel: cluster.ReleaseLabel ?? "?",
      applications,
      masterPublicDns,
      terminationProtected: cluster.TerminationProtected ?? false,
      securityConfiguration: cluster.SecurityConfiguration || outputs.securityConfiguration || undefined,
      logUri: cluster.LogUri || outputs.logUri || undefined,
      keyName,
      shape: cluster.InstanceCollectionType === "INSTANCE_FLEET" || inputs.fleets.length > 0 ? "fleets" : "groups",
      nodeGroups: nodeGroups(inputs.groups),
      fleets: fleetInfos(inputs.fleets, inputs.instances ?? []),
      scaling: scalingInfo(inputs.groups, inputs.managed),
    },
    storage: {
      dataBucket: data,
      raw: uri(data, outputs.rawPrefix ?? PREFIXES.raw),
      processed: uri(data, outputs.processedPrefix ?? PREFIXES.processed),
      rejected: uri(data, outputs.rejectedPrefix ?? PREFIXES.rejected),
      artifactsBucket: outputs.artifactsBucket,
      jobs: uri(outputs.artifactsBucket, outputs.jobsPrefix ?? PREFIXES.jobs),
      logsBucket: outputs.logsBucket,
    },
    // An ended cluster has no master to tunnel to; EMR may still report its old DNS name.
    tunnels: ENDED_STATES.has(state) ? [] : tunnels(masterPublicDns, keyName, applications),
    consoleUrl: consoleUrl(config.region, id),
  };
}

/** States of instances that hold (or are about to hold) fleet capacity (EMR InstanceState). */
const LIVE_INSTANCE_STATES = ["AWAITING_FULFILLMENT", "PROVISIONING", "BOOTSTRAPPING", "RUNNING"] as const;

/** Every live instance of the cluster, all pages. */
async function listLiveInstances(emr: EmrApi, clusterId: string): Promise<Instance[]> {
  const all: Instance[] = [];
  let marker: string | undefined;
  do {
    const page = await emr.send(new ListInstancesCommand({ ClusterId: clusterId, InstanceStates: [...LIVE_INSTANCE_STATES], Marker: marker }));
    all.push(...(page.Instances ?? []));
    marker = page.Marker;
  } while (marker);
  return all;
}

/**
 * Reads everything `info` shows. GetManagedScalingPolicy is asked only when the environment configures managed
 * scaling: the answer is otherwise empty, and skipping it saves a round trip per `info`. A fleets cluster is asked for
 * its fleets and instances instead of its groups.
 */
export async function fetchClusterInfo(
  emr: EmrApi,
  config: EnvironmentConfig,
  clusterId: string,
  outputs: PartialOutputs,
  foundVia: string,
  /** Already described (the EMR API lookup does); saves a round trip. */
  described?: Cluster,
): Promise<ClusterInfo> {
  const cluster = described ?? (await describeCluster(emr, clusterId));
  const fleetsCluster = cluster.InstanceCollectionType === "INSTANCE_FLEET";
  const [groups, fleets, instances, managed] = await Promise.all([
    fleetsCluster ? Promise.resolve([] as InstanceGroup[]) : emr.send(new ListInstanceGroupsCommand({ ClusterId: clusterId })).then((r) => r.InstanceGroups ?? []),
    fleetsCluster ? emr.send(new ListInstanceFleetsCommand({ ClusterId: clusterId })).then((r) => r.InstanceFleets ?? []) : Promise.resolve([] as InstanceFleet[]),
    fleetsCluster ? listLiveInstances(emr, clusterId) : Promise.resolve([] as Instance[]),
    config.scaling.managed ? emr.send(new GetManagedScalingPolicyCommand({ ClusterId: clusterId })).then((r) => r.ManagedScalingPolicy) : Promise.resolve(undefined),
  ]);
  return buildClusterInfo({ config, cluster, groups, fleets, instances, managed, outputs, foundVia });
}

export function renderClusterInfo(info: ClusterInfo): string[] {
  const c = info.cluster;
  const unknown = "(unknown: no Terraform outputs)";
  const scaling =
    c.scaling.kind === "none" ? "none (fixed size)" : `${c.scaling.kind} ${c.scaling.min}–${c.scaling.max}${c.scaling.detail ? ` (${c.scaling.detail})` : ""}`;
  const lines = [
    `${info.environment} (${info.region}) — cluster found through ${info.foundVia}`,
    `  cluster          ${c.id} ${c.name}`,
    `  state            ${c.state}${c.stateReason ? ` (${c.stateReason})` : ""}`,
    `  release          ${c.releaseLabel}`,
    `  applications     ${c.applications.join(", ") || "-"}`,
    `  master DNS       ${c.masterPublicDns ?? "(not assigned yet)"}`,
    `  protection       ${c.terminationProtected ? "termination protection ON" : "off"}`,
    `  scaling          ${scaling}`,
    `  security config  ${c.securityConfiguration ?? "-"}`,
    `  log URI          ${c.logUri ?? "-"}`,
    ...(c.shape === "groups"
      ? [
          "  instance groups",
          ...table([["role", "name", "type", "market", "running/requested"], ...c.nodeGroups.map((g) => [g.role, g.name, g.instanceType, g.market, `${g.running}/${g.requested}`])]).map((l) => `    ${l}`),
        ]
      : renderFleets(c.fleets)),
    "  storage",
    `    data           ${info.storage.raw ? `${info.storage.raw} (raw)` : unknown}`,
    ...(info.storage.processed ? [`                   ${info.storage.processed} (processed)`, `                   ${info.storage.rejected} (rejected)`] : []),
    `    artifacts      ${info.storage.jobs ?? unknown}`,
    `    logs bucket    ${info.storage.logsBucket ?? unknown}`,
  ];
  if (ENDED_STATES.has(c.state)) {
    lines.push(`  web UIs          none: the cluster is ${c.state}`);
  } else if (info.tunnels.length > 0) {
    lines.push("  web UIs (SSH tunnel, then open the local URL)");
    for (const t of info.tunnels) lines.push(`    ${t.ui.padEnd(22)} ${t.localUrl.padEnd(25)} ${t.command}`);
  }
  lines.push(`  console          ${info.consoleUrl}`);
  return lines;
}

/** The fleets table (units provisioned/target per market, allocation) and, per fleet, the instances by type. */
export function renderFleets(fleets: readonly FleetInfo[]): string[] {
  const allocation = (f: FleetInfo) =>
    [
      ...(f.onDemandAllocationStrategy ? [`on-demand ${f.onDemandAllocationStrategy}`] : []),
      ...(f.spotAllocationStrategy ? [`spot ${f.spotAllocationStrategy}`] : []),
      ...(f.spotTimeout ? [`timeout ${f.spotTimeout}`] : []),
    ].join(", ") || "-";
  const rows = fleets.map((f) => [f.role, f.name, f.state, `${f.onDemandUnits.provisioned}/${f.onDemandUnits.target}`, `${f.spotUnits.provisioned}/${f.spotUnits.target}`, allocation(f)]);
  const provisioned = fleets.map((f) => {
    const running = f.provisioned.map((p) => `${p.count}× ${p.instanceType} ${p.market === "SPOT" ? "spot" : "on-demand"}`).join(", ") || "none yet";
    return `    ${f.role.padEnd(7)}${running} (offered: ${f.offered.map((t) => `${t.instanceType}×${t.weightedCapacity}`).join(", ") || "-"})`;
  });
  return [
    "  instance fleets (units provisioned/target)",
    ...table([["role", "name", "state", "on-demand", "spot", "allocation"], ...rows]).map((l) => `    ${l}`),
    "  fleet instances",
    ...provisioned,
  ];
}

export async function gatherInfo(ctx: CommandContext): Promise<ClusterInfo> {
  const [{ clusterId, via, cluster }, { outputs }] = await Promise.all([ctx.clusterId(), ctx.outputs()]);
  return fetchClusterInfo(ctx.clients.emr, ctx.config, clusterId, outputs, via, cluster);
}

type ServerlessInfo = ApplicationInfo | { unavailable: string };

/**
 * The EMR Serverless application's facts when the environment enables it (or its outputs name one). An application
 * the outputs cannot name yet (not deployed since it was enabled) is a note, not a failure of `info`.
 */
async function gatherServerlessInfo(ctx: CommandContext): Promise<ServerlessInfo | undefined> {
  const { outputs } = await ctx.outputs();
  const named = outputs.serverless !== undefined && outputs.serverless.trim() !== "{}";
  if (!ctx.config.serverless.enabled && !named) return undefined;
  try {
    const output = await ctx.serverless();
    return applicationInfo(await getApplication(ctx.clients.emrServerless, output, ctx.name), output);
  } catch (err) {
    if (err instanceof CliError) return { unavailable: err.message };
    throw err;
  }
}

function renderServerlessInfo(info: ServerlessInfo): string[] {
  return "unavailable" in info ? [`  EMR Serverless   (unknown: ${info.unavailable})`] : renderApplicationInfo(info);
}

export async function infoCommand(ctx: CommandContext, options: { json?: boolean }): Promise<number> {
  const [cluster, serverless] = await Promise.allSettled([gatherInfo(ctx), gatherServerlessInfo(ctx)]);
  if (serverless.status === "rejected") throw serverless.reason;
  if (cluster.status === "rejected") {
    // No cluster (a transient environment between runs): the application's facts still help; the exit code stays 1.
    if (serverless.value && !options.json) for (const line of renderServerlessInfo(serverless.value)) ctx.out.line(line);
    throw cluster.reason;
  }
  const info = cluster.value;
  if (options.json) ctx.deps.stdout.write(`${JSON.stringify(serverless.value ? { ...info, serverless: serverless.value } : info, null, 2)}\n`);
  else for (const line of [...renderClusterInfo(info), ...(serverless.value ? renderServerlessInfo(serverless.value) : [])]) ctx.out.line(line);
  return 0;
}

export function defineInfo(run: CommandRunner): Command {
  return envCommand("info", "cluster, nodes, scaling, storage locations, SSH tunnels to the web UIs, console URL; the EMR Serverless application when enabled")
    .option("--json", "machine-readable output")
    .action(run((ctx, options: { json?: boolean }) => infoCommand(ctx, options)));
}
