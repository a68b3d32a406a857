/**
 * What the policy guard reads of an EMR cluster's capacity: its fleets (master/core on aws_emr_cluster, task as
 * aws_emr_instance_fleet), the managed-scaling limits attached to it, and the environment it belongs to. Attribute
 * names are provider-aws 6.25's (aws_emr_cluster master_instance_fleet / core_instance_fleet, aws_emr_instance_fleet,
 * aws_emr_managed_scaling_policy compute_limits).
 */
import { blocks, isRecord, type ResolvedResource, type StackIndex } from "../stack-json";

/** The Environment tag on the resource, else in the AWS provider's default_tags. */
export function environmentOf(resource: ResolvedResource, stack: StackIndex): string | undefined {
  const own = isRecord(resource.config.tags) ? resource.config.tags.Environment : undefined;
  if (typeof own === "string") return own;
  for (const provider of blocks(stack.json.provider?.aws)) {
    for (const defaults of blocks(provider.default_tags)) {
      const tags = defaults.tags;
      if (isRecord(tags) && typeof tags.Environment === "string") return tags.Environment;
    }
  }
  return undefined;
}

/** The compute limits of the managed-scaling policy attached to `cluster`, if any. */
export function computeLimitsOf(cluster: ResolvedResource, stack: StackIndex): Record<string, unknown> | undefined {
  const policy = stack.ofType("aws_emr_managed_scaling_policy").find((p) => p.config.cluster_id === `\${${cluster.address}.id}`);
  return policy ? blocks(policy.config.compute_limits)[0] : undefined;
}

/** The cluster an aws_emr_instance_fleet belongs to, when it is in this stack. */
export function clusterOfFleet(fleet: ResolvedResource, stack: StackIndex): ResolvedResource | undefined {
  const match = /^\$\{(aws_emr_cluster\.[A-Za-z0-9_-]+)\.id\}$/.exec(String(fleet.config.cluster_id ?? ""));
  return match ? stack.get(match[1]) : undefined;
}

export const num = (value: unknown): number => (typeof value === "number" ? value : Number(value ?? 0) || 0);
