import { defineRule, fromProblems, NOT_APPLICABLE } from "../rule";
import { statementsOf } from "../policy-document";

const EC2_PRINCIPAL = /^ec2\.amazonaws\.com(\.cn)?$/;

/**
 * An EC2 instance-profile role's trust has no Condition for ec2.amazonaws.com. EMR's documented trust for its EC2 role
 * has none, and EC2 is not documented to send keys such as aws:SourceAccount when an instance assumes its profile: a
 * condition on them leaves every node without credentials (the cluster then fails fetching its bootstrap action).
 */
export const ec2TrustWithoutCondition = defineRule({
  id: "ec2-trust-without-condition",
  description: "Trust statements for ec2.amazonaws.com carry no Condition (instances must be able to assume their profile)",
  appliesTo: ["aws_iam_role"],
  check: (role, stack) => {
    const statements = statementsOf(role.config.assume_role_policy, stack);
    if (!statements) return NOT_APPLICABLE; // unreadable policies are reported by iam-no-wildcard-actions
    const conditioned = statements.filter(
      (s) => s.effect === "Allow" && s.principals.some((p) => EC2_PRINCIPAL.test(p)) && s.conditions.length > 0,
    );
    return fromProblems(
      conditioned.map(
        (s) =>
          `assume_role_policy statement ${s.sid ? `"${s.sid}"` : ""} trusts ec2.amazonaws.com only with ${s.conditions.map((c) => c.variable).join(", ")}; fix: drop the condition for EC2 (iam:PassRole guards the role)`,
      ),
    );
  },
});
