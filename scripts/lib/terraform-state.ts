/**
 * Reading `terraform show -json` (state and saved plans): what a destroy removes and keeps, whether the cluster is
 * protected, and the add/change/destroy counts of a plan. Pure functions over Terraform's documented JSON format.
 */

export interface StateResource {
  address: string;
  type: string;
  values: Record<string, unknown>;
}

interface StateModule {
  resources?: { address: string; type: string; mode?: string; values?: Record<string, unknown> }[];
  child_modules?: StateModule[];
}

/** Managed resources in the state (data sources are not destroyed, so they are left out). */
export function parseState(json: string): StateResource[] {
  const parsed = JSON.parse(json || "{}") as { values?: { root_module?: StateModule } };
  const resources: StateResource[] = [];
  const visit = (module: StateModule | undefined) => {
    for (const r of module?.resources ?? []) {
      if (r.mode === "data") continue;
      resources.push({ address: r.address, type: r.type, values: r.values ?? {} });
    }
    for (const child of module?.child_modules ?? []) visit(child);
  };
  visit(parsed.values?.root_module);
  return resources;
}

export interface DestroySelection {
  destroyed: StateResource[];
  kept: StateResource[];
  /** Names of the buckets that stay (with their settings and the KMS keys that encrypt them). */
  keptBuckets: string[];
}

/**
 * Without `storage.forceDestroy`, buckets outlive the environment: every S3 bucket, the resources configuring it
 * (policy, versioning, encryption, …) and the KMS keys (deleting a key makes the kept objects unreadable) are taken
 * out of Terraform's state before the destroy, and so stay in AWS.
 */
export function selectForDestroy(resources: readonly StateResource[], forceDestroy: boolean): DestroySelection {
  if (forceDestroy) return { destroyed: [...resources], kept: [], keptBuckets: [] };
  const keptBuckets = resources.filter((r) => r.type === "aws_s3_bucket").map((r) => String(r.values.bucket ?? r.values.id));
  const bucketSet = new Set(keptBuckets);
  const keep = (r: StateResource) =>
    r.type === "aws_s3_bucket" ||
    (r.type.startsWith("aws_s3_") && bucketSet.has(String(r.values.bucket))) ||
    (keptBuckets.length > 0 && (r.type === "aws_kms_key" || r.type === "aws_kms_alias" || r.type === "aws_kms_key_policy"));
  return { destroyed: resources.filter((r) => !keep(r)), kept: resources.filter(keep), keptBuckets };
}

export interface ProtectedCluster {
  address: string;
  clusterId: string | undefined;
  protectedInState: boolean;
}

export function emrClusters(resources: readonly StateResource[]): ProtectedCluster[] {
  return resources
    .filter((r) => r.type === "aws_emr_cluster")
    .map((r) => ({ address: r.address, clusterId: typeof r.values.id === "string" ? r.values.id : undefined, protectedInState: r.values.termination_protection === true }));
}

/** `resource.aws_emr_cluster.<name>` with termination_protection off, as a Terraform override file. */
export function protectionOverride(clusterAddresses: readonly string[]): string {
  const clusters: Record<string, { termination_protection: boolean }> = {};
  for (const address of clusterAddresses) {
    const [type, name] = address.split(".").slice(-2);
    if (type !== "aws_emr_cluster" || !name) throw new Error(`not a root-module aws_emr_cluster address: ${address}`);
    clusters[name] = { termination_protection: false };
  }
  return `${JSON.stringify({ resource: { aws_emr_cluster: clusters } }, null, 2)}\n`;
}

export interface PlanCounts {
  add: number;
  change: number;
  destroy: number;
}

/** Counts like Terraform's own "Plan: …" line: a replacement is one add and one destroy. */
export function countPlanChanges(planJson: string): PlanCounts {
  const plan = JSON.parse(planJson) as { resource_changes?: { mode?: string; change?: { actions?: string[] } }[] };
  const counts: PlanCounts = { add: 0, change: 0, destroy: 0 };
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode === "data") continue;
    const actions = rc.change?.actions ?? [];
    if (actions.includes("create")) counts.add++;
    if (actions.includes("delete")) counts.destroy++;
    if (actions.includes("update")) counts.change++;
  }
  return counts;
}

export function formatPlanCounts(stack: string, counts: PlanCounts): string {
  const total = counts.add + counts.change + counts.destroy;
  if (total === 0) return `${stack}: no changes`;
  return `${stack}: ${counts.add} to add, ${counts.change} to change, ${counts.destroy} to destroy`;
}
