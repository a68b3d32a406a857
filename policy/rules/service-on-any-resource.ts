/**
 * The shape of "no <service> action on Resource `*`" rules (Glue, Kinesis): services whose permissions name the
 * resources they are for, so a grant on `*` reaches every such resource of the account. Checked in policy documents
 * and in every policy JSON string, as iam-no-wildcard-actions does.
 */
import { defineRule, fromProblems, type PolicyRule } from "../rule";
import { POLICY_ATTRIBUTES, policyProblems, type PolicyStatement } from "../policy-document";

/** Allow statements that grant an action of `service` (e.g. "glue") on Resource `*`. */
export function serviceOnAnyResourceProblems(service: string): (statements: readonly PolicyStatement[], where: string) => string[] {
  const ofService = new RegExp(`^${service}:`, "i");
  return (statements, where) =>
    statements.flatMap((s, i) => {
      const actions = s.actions.filter((a) => ofService.test(a.trim()));
      if (s.effect !== "Allow" || actions.length === 0 || !s.resources.some((r) => r.trim() === "*")) return [];
      return [`${where} statement ${s.sid ? `"${s.sid}"` : i} allows ${actions.join(", ")} on "*"`];
    });
}

export function serviceOnAnyResourceRule<const Id extends string>(spec: {
  readonly id: Id;
  readonly service: string;
  readonly description: string;
  /** What to name instead of `*`. */
  readonly fix: string;
}): PolicyRule<Id> {
  const problemsOf = serviceOnAnyResourceProblems(spec.service);
  return defineRule({
    id: spec.id,
    description: spec.description,
    appliesTo: Object.keys(POLICY_ATTRIBUTES),
    check: (resource, stack) => {
      // An unreadable policy string is iam-no-wildcard-actions' finding.
      const problems = policyProblems(resource, stack, problemsOf, { reportUnreadable: false });
      return fromProblems(problems.length ? [`${problems.join("; ")}; fix: ${spec.fix}`] : []);
    },
  });
}
