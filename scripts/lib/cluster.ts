/**
 * The EMR cluster: finding it, reading its state, waiting for it. State handling is pure (`classifyCluster`) so the
 * states moto cannot produce (TERMINATED_WITH_ERRORS, a slow STARTING) are tested on recorded responses.
 */
import {
  type Cluster,
  type ClusterState,
  DescribeClusterCommand,
  type EMRClient,
  ListClustersCommand,
} from "@aws-sdk/client-emr";
import { CliError, describeError, WaitTimeout } from "./errors";
import { formatDuration, type Reporter } from "./output";
import { pollUntil, type PollOptions } from "./poll";

export type EmrApi = Pick<EMRClient, "send">;

export const ACTIVE_STATES: ClusterState[] = ["STARTING", "BOOTSTRAPPING", "RUNNING", "WAITING"];
const READY_STATES = new Set<string>(["RUNNING", "WAITING"]);
const DEAD_STATES = new Set<string>(["TERMINATING", "TERMINATED", "TERMINATED_WITH_ERRORS"]);

export async function describeCluster(emr: EmrApi, clusterId: string, abortSignal?: AbortSignal): Promise<Cluster> {
  try {
    const { Cluster: cluster } = await emr.send(new DescribeClusterCommand({ ClusterId: clusterId }), { abortSignal });
    if (!cluster) throw new CliError(`EMR returned no cluster for ${clusterId}`);
    return cluster;
  } catch (err) {
    if ((err as Error).name === "InvalidRequestException" && /not valid|does not exist|not found/i.test((err as Error).message)) {
      throw new CliError(`cluster ${clusterId} does not exist in this account/region; fix: check --cluster-id or the environment`);
    }
    throw err;
  }
}

export function stateReason(cluster: Cluster): string {
  const reason = cluster.Status?.StateChangeReason;
  if (!reason?.Code && !reason?.Message) return "no reason given";
  return [reason.Code, reason.Message].filter(Boolean).join(": ");
}

export type ClusterVerdict = { kind: "ready" } | { kind: "pending" } | { kind: "failed"; message: string };

/** Ready, still starting, or dead (with the reason AWS gave). */
export function classifyCluster(cluster: Cluster): ClusterVerdict {
  const state = cluster.Status?.State ?? "UNKNOWN";
  if (READY_STATES.has(state)) return { kind: "ready" };
  if (DEAD_STATES.has(state)) return { kind: "failed", message: `cluster ${cluster.Id} is ${state}: ${stateReason(cluster)}` };
  return { kind: "pending" };
}

/** For commands that need a live cluster (test, submit): one message when it is not. */
export function requireRunning(cluster: Cluster, environment: string): void {
  const state = cluster.Status?.State ?? "UNKNOWN";
  if (!READY_STATES.has(state)) {
    throw new CliError(
      `cluster ${cluster.Id} is ${state}, not running${DEAD_STATES.has(state) ? ` (${stateReason(cluster)})` : ""}; ` +
        `fix: ${DEAD_STATES.has(state) ? `redeploy with npm run deploy -- ${environment}` : "wait until it is WAITING (npm run emr -- info " + environment + ")"}`,
    );
  }
}

/** The tag every platform resource carries with its environment's name (the provider default_tags in modules/platform-stack.ts). */
export const ENVIRONMENT_TAG = "Environment";

/**
 * Finds the environment's active cluster by name, confirming the Environment tag (a name alone could belong to a
 * hand-made cluster). More than one match is ambiguous: the operator picks with --cluster-id.
 */
export async function findActiveCluster(emr: EmrApi, name: string, environment: string, project: string): Promise<Cluster | undefined> {
  const candidates: string[] = [];
  let marker: string | undefined;
  do {
    const page = await emr.send(new ListClustersCommand({ ClusterStates: ACTIVE_STATES, Marker: marker }));
    for (const summary of page.Clusters ?? []) if (summary.Name === name && summary.Id) candidates.push(summary.Id);
    marker = page.Marker;
  } while (marker);
  const matches: Cluster[] = [];
  for (const id of candidates) {
    const cluster = await describeCluster(emr, id);
    const tags = new Map((cluster.Tags ?? []).map((t) => [t.Key, t.Value]));
    if (tags.get(ENVIRONMENT_TAG) !== environment) continue;
    if (tags.has("Project") && tags.get("Project") !== project) continue;
    matches.push(cluster);
  }
  if (matches.length > 1) {
    throw new CliError(`${matches.length} active clusters are named ${name} and tagged Environment=${environment} (${matches.map((c) => c.Id).join(", ")}); fix: pick one with --cluster-id`);
  }
  return matches[0];
}

export interface WaitOptions extends Omit<PollOptions, "interruptMessage"> {
  reporter: Reporter;
  /** Printed on Ctrl-C. */
  resumeHint: string;
}

/** Polls DescribeCluster with backoff until RUNNING/WAITING; fails fast on TERMINATING/TERMINATED*. */
export async function waitForCluster(emr: EmrApi, clusterId: string, options: WaitOptions): Promise<Cluster> {
  const now = options.now ?? Date.now;
  const started = now();
  try {
    return await pollUntil<Cluster>(
      async (abortSignal) => {
        const cluster = await describeCluster(emr, clusterId, abortSignal);
        const state = cluster.Status?.State ?? "UNKNOWN";
        const reason = cluster.Status?.StateChangeReason?.Message;
        options.reporter.status(state, `  cluster ${clusterId}: ${state}${reason && state !== "WAITING" ? ` (${reason})` : ""} · ${formatDuration(now() - started)}`);
        const verdict = classifyCluster(cluster);
        if (verdict.kind === "failed") throw new CliError(verdict.message);
        return verdict.kind === "ready" ? { done: true, value: cluster } : { done: false };
      },
      { ...options, interruptMessage: `interrupted while waiting for cluster ${clusterId}; nothing was stopped or rolled back. ${options.resumeHint}` },
      `cluster ${clusterId} to be ready`,
    );
  } catch (err) {
    if (err instanceof WaitTimeout) throw new WaitTimeout(`${err.message}; it keeps starting in AWS. ${options.resumeHint}`);
    if (!(err instanceof CliError)) throw new CliError(`${describeError(err)}; the cluster keeps starting in AWS. ${options.resumeHint}`);
    throw err;
  } finally {
    options.reporter.endStatus();
  }
}

/** The cluster name Terraform gives an environment's cluster. */
export const clusterName = (project: string, environment: string): string => `${project}-${environment}`;
