/**
 * The spot bid (USD per instance-hour) each SPOT group sends: read from the synthesized stack when there is one, so
 * the summary shows exactly what Terraform will send; otherwise derived from the config the way the cluster module
 * derives it (modules/emr-cluster/bid-price.ts).
 */
import type { EnvironmentConfig } from "../../environments";
import { spotBidPrice } from "../../modules/emr-cluster/bid-price";
import type { NodeRole } from "../../contracts/emr";
import type { StackJson } from "../../policy";
import type { PriceTable } from "../../environments/instance-types";

type GroupRole = NodeRole;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function bidOf(group: unknown): string | undefined {
  const block = Array.isArray(group) ? group[0] : group;
  return isRecord(block) && typeof block.bid_price === "string" ? block.bid_price : undefined;
}

/** Bids in the stack JSON: the cluster's master/core groups and the separate task instance group. */
export function synthesizedBids(json: StackJson): Partial<Record<GroupRole, string>> {
  const cluster = Object.values(json.resource?.aws_emr_cluster ?? {})[0];
  const task = Object.values(json.resource?.aws_emr_instance_group ?? {}).find((g) => isRecord(g) && g.name === "task");
  const bids: Partial<Record<GroupRole, string>> = {};
  const master = bidOf(cluster?.master_instance_group);
  const core = bidOf(cluster?.core_instance_group);
  const taskBid = bidOf(task);
  if (master) bids.master = master;
  if (core) bids.core = core;
  if (taskBid) bids.task = taskBid;
  return bids;
}

/** The bid of one group: from the stack when synthesized, else from the config and price table (undefined if unknown). */
export function groupBid(
  role: GroupRole,
  config: EnvironmentConfig,
  prices: PriceTable,
  stack: StackJson | undefined,
): string | undefined {
  if (config.instances[role].market !== "SPOT") return undefined;
  if (stack) return synthesizedBids(stack)[role];
  try {
    return spotBidPrice(role, config.instances[role], config.region, prices);
  } catch {
    return undefined; // the cost line already reports the missing price
  }
}
