/**
 * `info`: the cluster's facts and how to reach it; `--json` for scripts. Fetching is thin; `buildClusterInfo` and `renderClusterInfo` are
 * pure, so managed scaling (which moto lacks) is tested on recorded GetManagedScalingPolicy responses.
 */
import {
  type Cluster,
  GetManagedScalingPolicyCommand,
  type InstanceFleet,
  type InstanceGroup,
  ListInstanceFleetsCommand,
  ListInstanceGroupsCommand,
  type ManagedScalingPolicy,
} from "@aws-sdk/client-emr";
import type { Command } from "commander";
import type { EnvironmentConfig } from "../../environments";
import { PREFIXES } from "../../modules/outputs";
import { type CommandRunner, envCommand } from "../lib/cli-args";
import { describeCluster, type EmrApi, stateReason } from "../lib/cluster";
import type { CommandContext } from "../lib/context";
import { table } from "../lib/output";
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
  kind: "managed" | "custom" | "none";
  min?: number;
  max?: number;
  /** Which group custom rules scale, or the unit type of managed scaling. */
  detail?: string;
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
    nodeGroups: NodeGroupInfo[];
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
    return { kind: "managed", min: limits.MinimumCapacityUnits, max: limits.MaximumCapacityUnits, detail: limits.UnitType?.toLowerCase() };
  }
  const scaled = groups.find((g) => g.AutoScalingPolicy?.Constraints);
  if (scaled) {
    const c = scaled.AutoScalingPolicy!.Constraints!;
    return { kind: "custom", min: c.MinCapacity, max: c.MaxCapacity, detail: `${scaled.InstanceGroupType?.toLowerCase()} group ${scaled.Name ?? scaled.Id}` };
  }
  return { kind: "none" };
}

const ROLE_ORDER = ["MASTER", "CORE", "TASK"];

export function nodeGroups(groups: readonly InstanceGroup[], fleets: readonly InstanceFleet[]): NodeGroupInfo[] {
  const fromGroups = groups.map((g) => ({
    role: g.InstanceGroupType ?? "?",
    name: g.Name ?? g.Id ?? "",
    instanceType: g.InstanceType ?? "?",
    market: g.Market ?? "?",
    requested: g.RequestedInstanceCount ?? 0,
    running: g.RunningInstanceCount ?? 0,
  }));
  const fromFleets = fleets.map((f) => ({
    role: f.InstanceFleetType ?? "?",
    name: f.Name ?? f.Id ?? "",
    instanceType: (f.InstanceTypeSpecifications ?? []).map((s) => s.InstanceType).join("|") || "?",
    market: `${f.TargetOnDemandCapacity ?? 0} on-demand + ${f.TargetSpotCapacity ?? 0} spot units`,
    requested: (f.TargetOnDemandCapacity ?? 0) + (f.TargetSpotCapacity ?? 0),
    running: (f.ProvisionedOnDemandCapacity ?? 0) + (f.ProvisionedSpotCapacity ?? 0),
  }));
  return [...fromGroups, ...fromFleets].sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role));
}

export interface InfoInputs {
  config: EnvironmentConfig;
  cluster: Cluster;
  groups: readonly InstanceGroup[];
  fleets: readonly InstanceFleet[];
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
      nodeGroups: nodeGroups(inputs.groups, inputs.fleets),
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

/**
 * Reads everything `info` shows. GetManagedScalingPolicy is asked only when the environment configures managed
 * scaling: the answer is otherwise empty, and skipping it saves a round trip per `info`.
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
  const [groups, fleets, managed] = await Promise.all([
    fleetsCluster ? Promise.resolve([] as InstanceGroup[]) : emr.send(new ListInstanceGroupsCommand({ ClusterId: clusterId })).then((r) => r.InstanceGroups ?? []),
    fleetsCluster ? emr.send(new ListInstanceFleetsCommand({ ClusterId: clusterId })).then((r) => r.InstanceFleets ?? []) : Promise.resolve([] as InstanceFleet[]),
    config.scaling.managed ? emr.send(new GetManagedScalingPolicyCommand({ ClusterId: clusterId })).then((r) => r.ManagedScalingPolicy) : Promise.resolve(undefined),
  ]);
  return buildClusterInfo({ config, cluster, groups, fleets, managed, outputs, foundVia });
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
    "  instance groups",
    ...table([["role", "name", "type", "market", "running/requested"], ...c.nodeGroups.map((g) => [g.role, g.name, g.instanceType, g.market, `${g.running}/${g.requested}`])]).map((l) => `    ${l}`),
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

export async function gatherInfo(ctx: CommandContext): Promise<ClusterInfo> {
  const [{ clusterId, via, cluster }, { outputs }] = await Promise.all([ctx.clusterId(), ctx.outputs()]);
  return fetchClusterInfo(ctx.clients.emr, ctx.config, clusterId, outputs, via, cluster);
}

export async function infoCommand(ctx: CommandContext, options: { json?: boolean }): Promise<number> {
  const info = await gatherInfo(ctx);
  if (options.json) ctx.deps.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
  else for (const line of renderClusterInfo(info)) ctx.out.line(line);
  return 0;
}

export function defineInfo(run: CommandRunner): Command {
  return envCommand("info", "cluster, nodes, scaling, storage locations, SSH tunnels to the web UIs, console URL")
    .option("--json", "machine-readable output")
    .action(run((ctx, options: { json?: boolean }) => infoCommand(ctx, options)));
}
