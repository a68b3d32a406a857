import { statementsOf } from "../policy-document";
import { defineRule, fromProblems, NOT_APPLICABLE } from "../rule";
import { referencedAddress, strings } from "../stack-json";

const EMR_SERVERLESS_PRINCIPAL = /^emr-serverless\.amazonaws\.com(\.cn)?$/;

/**
 * A role EMR Serverless assumes (a job runtime role) is scoped two ways. Its trust names this account and the
 * application(s) with aws:SourceAccount and aws:SourceArn, against the confused deputy ("Job runtime roles for Amazon
 * EMR Serverless"; IAM guide, "The confused deputy problem"). And its own policies grant S3 on named buckets, never
 * `*`: a job runs whatever code was submitted, so its role bounds what that code can read and write.
 */
export const emrServerlessRoleScoped = defineRule({
  id: "emr-serverless-role-scoped",
  description: "Roles trusted by emr-serverless.amazonaws.com require aws:SourceAccount and aws:SourceArn, and grant S3 on no `*` resource",
  appliesTo: ["aws_iam_role"],
  check: (role, stack) => {
    const trust = statementsOf(role.config.assume_role_policy, stack);
    const trusting = (trust ?? []).filter((s) => s.effect === "Allow" && s.principals.some((p) => EMR_SERVERLESS_PRINCIPAL.test(p)));
    if (trusting.length === 0) return NOT_APPLICABLE;
    const problems: string[] = [];
    for (const statement of trusting) {
      const keys = new Set(statement.conditions.map((c) => c.variable));
      const missing = ["aws:SourceAccount", "aws:SourceArn"].filter((key) => !keys.has(key));
      if (missing.length) problems.push(`trusts emr-serverless.amazonaws.com without ${missing.join(" and ")}; fix: condition on this account and the application's ARN`);
    }
    const refersToRole = (value: unknown) => [`\${${role.address}.id}`, `\${${role.address}.name}`].includes(String(value));
    const inline = stack.ofType("aws_iam_role_policy").filter((p) => refersToRole(p.config.role));
    const attached = stack
      .ofType("aws_iam_role_policy_attachment")
      .filter((a) => refersToRole(a.config.role))
      .flatMap((a) => stack.get(referencedAddress(a.config.policy_arn, "aws_iam_policy", "arn") ?? "") ?? []);
    for (const policy of [...inline, ...attached]) {
      const statements = statementsOf(policy.config.policy, stack) ?? [];
      const open = statements.filter((s) => s.effect === "Allow" && s.actions.some((a) => a.startsWith("s3:")) && strings(s.resources).some((r) => r === "*" || r === "arn:aws:s3:::*"));
      for (const s of open) problems.push(`${policy.address} grants ${s.actions.filter((a) => a.startsWith("s3:")).join(", ")} on *${s.sid ? ` (${s.sid})` : ""}; fix: the buckets' own grants, scoped to their prefixes`);
    }
    return fromProblems(problems);
  },
});
