import { defineRule, fromProblems } from "../rule";
import { POLICY_ATTRIBUTES, policyProblems, type PolicyStatement } from "../policy-document";

/** `*` or `<service>:*`. Narrower patterns such as `s3:Get*` are allowed. */
export const isWildcardAction = (action: string): boolean => /^(\*|[A-Za-z0-9-]+:\*)$/.test(action.trim());

/** Allow statements that grant every action (of a service), or everything but a list (NotAction). */
export function wildcardProblems(statements: readonly PolicyStatement[], where: string): string[] {
  return statements.flatMap((s, i) => {
    if (s.effect !== "Allow") return []; // a Deny with s3:* restricts (the TLS-only statement is one)
    const label = `${where} statement ${s.sid ? `"${s.sid}"` : i}`;
    const wildcards = s.actions.filter(isWildcardAction);
    return [
      ...(wildcards.length ? [`${label} allows ${wildcards.map((a) => `"${a}"`).join(", ")}`] : []),
      ...(s.notActions.length ? [`${label} allows everything except NotAction ${s.notActions.join(", ")}`] : []),
    ];
  });
}

/**
 * No Allow of `*` or `service:*`, in `data.aws_iam_policy_document` statements and in every policy JSON string
 * (inline and managed IAM policies, trust policies, bucket/key/topic policies). A string that is neither literal
 * JSON nor a reference to a policy document in this stack is reported: it cannot be checked.
 */
export const iamNoWildcardActions = defineRule({
  id: "iam-no-wildcard-actions",
  description: "Policies allow no `*` or `service:*` actions (policy documents and policy JSON strings)",
  appliesTo: Object.keys(POLICY_ATTRIBUTES),
  check: (resource, stack) => {
    const problems = policyProblems(resource, stack, wildcardProblems, { reportUnreadable: true });
    return fromProblems(problems.length ? [`${problems.join("; ")}; fix: list the actions the principal needs`] : []);
  },
});
