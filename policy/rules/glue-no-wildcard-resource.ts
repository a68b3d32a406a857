import { defineRule, fromProblems } from "../rule";
import { POLICY_ATTRIBUTES, policyProblems, type PolicyStatement } from "../policy-document";

const isGlueAction = (action: string): boolean => /^glue:/i.test(action.trim());

/** Allow statements that grant a Glue action on Resource `*` (every catalog, database and table of the account). */
export function glueWildcardProblems(statements: readonly PolicyStatement[], where: string): string[] {
  return statements.flatMap((s, i) => {
    const glue = s.actions.filter(isGlueAction);
    if (s.effect !== "Allow" || glue.length === 0 || !s.resources.some((r) => r.trim() === "*")) return [];
    return [`${where} statement ${s.sid ? `"${s.sid}"` : i} allows ${glue.join(", ")} on "*"`];
  });
}

/**
 * Glue permissions name the catalog, database and tables they are for ("Specifying AWS Glue resource ARNs"): a job
 * role with glue:* on `*` could read or change every table of the account. Checked in policy documents and in every
 * policy JSON string, as iam-no-wildcard-actions does.
 */
export const glueNoWildcardResource = defineRule({
  id: "glue-no-wildcard-resource",
  description: "Policies grant no Glue action on Resource `*`",
  appliesTo: Object.keys(POLICY_ATTRIBUTES),
  check: (resource, stack) => {
    // An unreadable policy string is iam-no-wildcard-actions' finding.
    const problems = policyProblems(resource, stack, glueWildcardProblems, { reportUnreadable: false });
    return fromProblems(problems.length ? [`${problems.join("; ")}; fix: the catalog, database/<db> and table/<db>/* ARNs`] : []);
  },
});
