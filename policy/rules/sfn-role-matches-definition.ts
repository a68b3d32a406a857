import { OBSERVABILITY_ACTIONS, WILDCARD_REASONS, definitionActions, passedRoles, taskStates } from "../../contracts/step-functions";
import { statementsOf, type PolicyStatement } from "../policy-document";
import { parseDefinition } from "../state-machine-definition";
import type { StackIndex } from "../stack-json";
import { defineRule, fromProblems, nonCompliant } from "../rule";

const ROLE_REFERENCE = /^\$\{(aws_iam_role\.[A-Za-z0-9_-]+)\.arn\}$/;

/** Allow statements of a role's inline policies and attached customer-managed policies in this stack. */
function roleStatements(roleAddress: string, stack: StackIndex): PolicyStatement[] | string {
  const refs = [`\${${roleAddress}.name}`, `\${${roleAddress}.id}`];
  const inline = stack.ofType("aws_iam_role_policy").filter((p) => refs.includes(String(p.config.role)));
  const attached = stack
    .ofType("aws_iam_role_policy_attachment")
    .filter((a) => refs.includes(String(a.config.role)))
    .map((a) => /^\$\{(aws_iam_policy\.[A-Za-z0-9_-]+)\.arn\}$/.exec(String(a.config.policy_arn))?.[1])
    .map((address) => (address ? stack.get(address) : undefined));
  if (attached.some((p) => p === undefined)) return "has a policy attached from outside this stack; fix: derive every grant from the definition";
  const statements: PolicyStatement[] = [];
  for (const policy of [...inline, ...attached]) {
    const found = statementsOf(policy?.config.policy, stack);
    if (!found) return `policy ${policy?.address} cannot be read; fix: render it with DataAwsIamPolicyDocument`;
    statements.push(...found.filter((s) => s.effect === "Allow"));
  }
  return statements;
}

/** `${aws_iam_instance_profile.x.name}` → `${aws_iam_role.y.arn}` of the role in that profile, when both are in the stack. */
function profileRole(stack: StackIndex): (profile: string) => string | undefined {
  return (profile) => {
    const address = /^\$\{(aws_iam_instance_profile\.[A-Za-z0-9_-]+)\.(name|arn|id)\}$/.exec(profile)?.[1];
    const role = address ? /^\$\{(aws_iam_role\.[A-Za-z0-9_-]+)\.(name|id)\}$/.exec(String(stack.get(address)?.config.role))?.[1] : undefined;
    return role ? `\${${role}.arn}` : undefined;
  };
}

/**
 * iam:PassRole exactly on the roles the definition's CreateCluster and StartJobRun tasks pass (a missing one is an
 * AccessDenied at RunJobFlow or StartJobRun).
 */
function passRoleProblems(role: string, definition: Parameters<typeof taskStates>[0], statements: PolicyStatement[], stack: StackIndex): string[] {
  const passed = passedRoles(taskStates(definition), profileRole(stack));
  // role → the task that passes it: StartJobRun passes the job role (ExecutionRoleArn), CreateCluster the others.
  const passer = new Map(passed.roles.map((r) => [r.role, r.parameter === "ExecutionRoleArn" ? "StartJobRun" : "CreateCluster"]));
  const granted = new Set(statements.filter((s) => s.actions.includes("iam:PassRole")).flatMap((s) => s.resources));
  return [
    ...passed.problems,
    ...[...passer]
      .filter(([r]) => !granted.has(r))
      .map(([r, task]) => `${role} may not pass ${r}, which ${task} passes; fix: derive iam:PassRole from the definition's ServiceRole, JobFlowRole, AutoScalingRole and ExecutionRoleArn`),
    ...[...granted].filter((r) => !passer.has(r)).map((r) => `${role} may pass ${r}, which no CreateCluster or StartJobRun passes; fix: remove it`),
  ];
}

const isWildcardResource = (r: string) => r === "*" || r.endsWith("/*") || r.endsWith(":*");

/**
 * The role's actions are exactly what the definition's Resource ARNs need (contracts/step-functions.ts
 * INTEGRATION_ACTIONS) plus log delivery and X-Ray; a wildcard resource appears only in a statement whose sid
 * WILDCARD_REASONS explains; iam:PassRole names exactly the roles its CreateCluster and StartJobRun tasks pass.
 */
export const sfnRoleMatchesDefinition = defineRule({
  id: "sfn-role-matches-definition",
  description: "A state machine's role grants exactly the actions its definition's resources need, wildcards only where AWS requires them",
  appliesTo: ["aws_sfn_state_machine"],
  check: (resource, stack) => {
    const parsed = parseDefinition(resource);
    if (!parsed.ok) return nonCompliant(parsed.reason);
    const role = ROLE_REFERENCE.exec(String(resource.config.role_arn))?.[1];
    if (!role || !stack.get(role)) return nonCompliant("role_arn does not reference a role in this stack; fix: use the role derived from the definition");
    const statements = roleStatements(role, stack);
    if (typeof statements === "string") return nonCompliant(`${role} ${statements}`);
    const { actions: needed, unknown } = definitionActions(parsed.definition as Parameters<typeof definitionActions>[0]);
    const granted = new Set(statements.flatMap((s) => s.actions));
    const allowed = new Set([...needed, ...OBSERVABILITY_ACTIONS]);
    const problems = [
      ...[...new Set(unknown)].map((r) => `Resource ${r} has no IAM mapping; fix: add it to INTEGRATION_ACTIONS in contracts/step-functions.ts`),
      ...[...needed].filter((a) => !granted.has(a)).map((a) => `${role} lacks ${a}, which the definition needs; fix: derive the role from the definition`),
      ...[...granted].filter((a) => !allowed.has(a)).map((a) => `${role} grants ${a}, which no state of the definition needs; fix: remove it`),
      ...statements
        .filter((s) => s.resources.some(isWildcardResource) && !(s.sid && s.sid in WILDCARD_REASONS))
        .map((s) => `${role} statement ${s.sid ? `"${s.sid}"` : "(no sid)"} has a wildcard resource without a documented reason; fix: scope it or add the reason to WILDCARD_REASONS`),
      ...passRoleProblems(role, parsed.definition as Parameters<typeof taskStates>[0], statements, stack),
    ];
    return fromProblems(problems);
  },
});
