/**
 * Replacements of a termination-protected EMR cluster in a saved plan (`terraform show -json <plan>`).
 *
 * Why it matters: in provider 6.25 (internal/service/emr/cluster.go) resourceClusterUpdate changes only visibility,
 * auto-termination, termination protection, node replacement, core autoscaling/count, instance-group policies and
 * step concurrency; every other argument (security_configuration, configurations_json, bootstrap_action, …) is
 * ForceNew. So a security-configuration edit, a requirements pin bump (new bootstrap object key) or a classification
 * change replaces the cluster, and resourceClusterDelete calls TerminateJobFlows, which a protected cluster refuses:
 * the apply stops halfway, with the replacement's other resources already changed. `plan` says so in words, `deploy` refuses it unless the operator
 * passes --allow-replace (scripts/commands/deploy-replacement.ts).
 */

export interface ProtectedReplacement {
  /** Terraform address, e.g. `aws_emr_cluster.cluster_cluster_A4C38409`. */
  readonly address: string;
  /** The running cluster's id (the `before` value), when the plan shows it. */
  readonly clusterId: string | undefined;
  /** Arguments that force the replacement, as Terraform reports them (`replace_paths`), e.g. `security_configuration`. */
  readonly causes: readonly string[];
}

interface ResourceChange {
  address?: string;
  type?: string;
  mode?: string;
  change?: {
    actions?: string[];
    before?: Record<string, unknown> | null;
    after?: Record<string, unknown> | null;
    replace_paths?: unknown[][];
  };
}

/** `[["bootstrap_action", 0, "path"]]` → `bootstrap_action[0].path`. */
function pathText(path: unknown[]): string {
  return path.map((step, i) => (typeof step === "number" ? `[${step}]` : `${i === 0 ? "" : "."}${String(step)}`)).join("");
}

/**
 * Clusters the plan deletes and re-creates while protection is on now (`before`) or wanted (`after`): counting the
 * wanted side too keeps a rerun safe after protection was already lifted for an interrupted replacement.
 */
export function protectedReplacements(planJson: string): ProtectedReplacement[] {
  let plan: { resource_changes?: ResourceChange[] };
  try {
    plan = JSON.parse(planJson) as { resource_changes?: ResourceChange[] };
  } catch {
    return [];
  }
  return (plan.resource_changes ?? [])
    .filter((rc) => rc.type === "aws_emr_cluster" && rc.mode !== "data")
    .filter((rc) => {
      const actions = rc.change?.actions ?? [];
      return actions.includes("delete") && actions.includes("create");
    })
    .filter((rc) => rc.change?.before?.termination_protection === true || rc.change?.after?.termination_protection === true)
    .map((rc) => ({
      address: rc.address ?? "aws_emr_cluster",
      clusterId: typeof rc.change?.before?.id === "string" ? rc.change.before.id : undefined,
      causes: [...new Set((rc.change?.replace_paths ?? []).filter(Array.isArray).map(pathText))],
    }));
}

/** One sentence for the plan's summary line (what the pull-request comment shows). Empty when nothing is replaced. */
export function formatReplacementNote(replacements: readonly ProtectedReplacement[]): string {
  if (replacements.length === 0) return "";
  const what = replacements
    .map((r) => `${r.clusterId ?? r.address}${r.causes.length ? ` (forced by ${r.causes.join(", ")})` : ""}`)
    .join("; ");
  return `; REPLACES the termination-protected cluster ${what}: deploy refuses it unless run with --allow-replace`;
}

/** The error `deploy` stops with when the operator did not allow the replacement. */
export function replacementRefusal(environment: string, replacements: readonly ProtectedReplacement[]): string {
  const clusters = replacements.map((r) => r.clusterId ?? r.address).join(", ");
  const causes = [...new Set(replacements.flatMap((r) => r.causes))];
  return (
    `the plan replaces ${environment}'s termination-protected cluster ${clusters}${causes.length ? ` (forced by ${causes.join(", ")})` : ""}; ` +
    `nothing was applied (protection would stop the apply halfway). fix: if losing the running cluster is intended, rerun deploy with ` +
    `--allow-replace (turns protection off, then applies the replacement; the new cluster is protected again)`
  );
}
