/**
 * The guard's Step Functions rules over the synthesized dev stack (compliant) and over variants of its definitions
 * and role that must fail, table by table.
 */
import { Testing } from "cdktf";
import { loadEnvironment } from "../../environments";
import { EmrPlatformStack } from "../../modules/platform-stack";
import { runPolicyGuard, type StackJson } from "../../policy";
import { sfnFailuresTerminateCluster } from "../../policy/rules/sfn-failures-terminate-cluster";
import { sfnLoggingOn } from "../../policy/rules/sfn-logging-on";
import { sfnRetryBounded } from "../../policy/rules/sfn-retry-bounded";
import { sfnRoleMatchesDefinition } from "../../policy/rules/sfn-role-matches-definition";
import { sfnTimeoutSet } from "../../policy/rules/sfn-timeout-set";
import type { PolicyRule } from "../../policy/rule";

const BASE = JSON.parse(Testing.synth(new EmrPlatformStack(Testing.app(), "emr-dev", loadEnvironment("dev")))) as any;
const machineId = (suffix: string) => Object.keys(BASE.resource.aws_sfn_state_machine).find((k) => k.includes(suffix)) as string;
const TRANSIENT = machineId("financial-daily");

type Mutation = (definition: any, stack: any) => void;

/** The dev stack with the transient pipeline's definition (and anything else) changed by `mutate`. */
function variant(mutate: Mutation): StackJson {
  const stack = structuredClone(BASE);
  const machine = stack.resource.aws_sfn_state_machine[TRANSIENT];
  const definition = JSON.parse(machine.definition);
  mutate(definition, stack);
  machine.definition = JSON.stringify(definition);
  return stack;
}

function reasons(stack: StackJson, rule: PolicyRule<any>): string[] {
  return runPolicyGuard(stack, { rules: [rule] }).violations.map((v) => v.reason);
}

test("the synthesized stacks satisfy every Step Functions rule, and the rules did look at the state machines", () => {
  const report = runPolicyGuard(BASE, { rules: [sfnFailuresTerminateCluster, sfnRetryBounded, sfnTimeoutSet, sfnLoggingOn, sfnRoleMatchesDefinition] });
  expect(report.checked).toBe(Object.keys(BASE.resource.aws_sfn_state_machine).length);
  expect(report.checked).toBeGreaterThan(1);
  expect(report.violations).toEqual([]);
});

describe("sfn-failures-terminate-cluster", () => {
  const cases: [string, Mutation, RegExp][] = [
    ["a step's catch goes straight to the notification", (d) => { d.States["Run process"].Catch = [{ ErrorEquals: ["States.ALL"], Next: "NotifyFailure" }]; }, /after "CreateCluster", "NotifyFailure" .*|"PipelineFailed" ends the execution with the cluster running/],
    ["a step without a Catch", (d) => { delete d.States["Run process"].Catch; }, /"Run process" has no Catch for States.ALL/],
    ["the gate Choice without Default", (d) => { delete d.States["Gate quality_gate passed?"].Default; }, /is a Choice without Default/],
    ["the last step ends the execution", (d) => { delete d.States["Run archive"].Next; d.States["Run archive"].End = true; d.States["Run archive"].Catch = [{ ErrorEquals: ["States.ALL"], Next: "TerminateAfterFailure" }]; }, /"Run archive" ends the execution with the cluster running/],
  ];
  test.each(cases)("fails when %s", (_name, mutate, expected) => {
    const found = reasons(variant(mutate), sfnFailuresTerminateCluster);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(expected);
  });

  test("does not apply to a cluster-runtime definition (no createCluster)", () => {
    const report = runPolicyGuard(BASE, { rules: [sfnFailuresTerminateCluster] });
    expect(report.checked).toBe(Object.keys(BASE.resource.aws_sfn_state_machine).length);
    expect(report.violations).toEqual([]);
  });
});

describe("sfn-retry-bounded", () => {
  const cases: [string, Mutation, RegExp][] = [
    ["a Task has no Retry", (d) => { delete d.States.NotifyFailure.Retry; }, /Task "NotifyFailure" has no Retry/],
    ["a retrier leaves MaxAttempts implicit", (d) => { delete d.States.CreateCluster.Retry[0].MaxAttempts; }, /Task "CreateCluster" Retry\[0\] MaxAttempts is unset/],
    ["a retrier retries 100 times", (d) => { d.States["Run process"].Retry[0].MaxAttempts = 100; }, /MaxAttempts is 100; fix: an integer 0–10/],
  ];
  test.each(cases)("fails when %s", (_name, mutate, expected) => {
    const found = reasons(variant(mutate), sfnRetryBounded);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(expected);
  });
});

describe("sfn-timeout-set", () => {
  test.each([
    ["unset", undefined, /TimeoutSeconds is unset/],
    ["zero", 0, /TimeoutSeconds is 0/],
  ] as const)("fails when TimeoutSeconds is %s", (_name, value, expected) => {
    const found = reasons(variant((d) => { if (value === undefined) delete d.TimeoutSeconds; else d.TimeoutSeconds = value; }), sfnTimeoutSet);
    expect(found).toEqual([expect.stringMatching(expected)]);
  });

  test("an unreadable definition is reported, not skipped", () => {
    const stack = structuredClone(BASE);
    stack.resource.aws_sfn_state_machine[TRANSIENT].definition = "${templatefile(\"x.json\", {})}";
    expect(reasons(stack, sfnTimeoutSet)).toEqual([expect.stringMatching(/not literal JSON/)]);
  });
});

describe("sfn-logging-on", () => {
  test.each([
    ["logging off", (sm: any) => { sm.logging_configuration.level = "OFF"; }, /level is "OFF"/],
    ["no logging block", (sm: any) => { delete sm.logging_configuration; }, /level is "unset"/],
    ["no destination", (sm: any) => { delete sm.logging_configuration.log_destination; }, /no log_destination/],
    ["tracing off", (sm: any) => { sm.tracing_configuration.enabled = false; }, /tracing_configuration.enabled is not true/],
  ] as const)("fails with %s", (_name, mutate, expected) => {
    const stack = structuredClone(BASE);
    mutate(stack.resource.aws_sfn_state_machine[TRANSIENT]);
    expect(reasons(stack, sfnLoggingOn)).toEqual([expect.stringMatching(expected)]);
  });
});

describe("sfn-role-matches-definition", () => {
  /** The inline role policy document of the transient pipeline. */
  const roleDocument = (stack: any) => {
    const id = Object.keys(stack.data.aws_iam_policy_document).find((k) => k.includes("financial-daily_role-policy-document")) as string;
    return stack.data.aws_iam_policy_document[id];
  };

  test("fails when the definition uses a resource the role does not cover", () => {
    const stack = variant((d) => {
      d.States.Extra = { Type: "Task", Resource: "arn:aws:states:::aws-sdk:s3:getObject", Parameters: { Bucket: "b", Key: "k" }, Retry: [{ ErrorEquals: ["States.ALL"], MaxAttempts: 1 }], End: true };
    });
    // financial-daily already loads the code manifest, so remove that grant to see the gap.
    const doc = roleDocument(stack);
    doc.statement = doc.statement.filter((s: any) => s.sid !== "ReadObjects");
    expect(reasons(stack, sfnRoleMatchesDefinition)).toEqual([expect.stringMatching(/lacks s3:GetObject, which the definition needs/)]);
  });

  test("fails when the role may not pass a role CreateCluster passes (dev's AutoScalingRole), or may pass one it does not", () => {
    const stack = structuredClone(BASE);
    const doc = roleDocument(stack);
    const autoscaling = doc.statement.find((s: any) => s.sid === "PassAutoScalingRole");
    expect(autoscaling.resources).toEqual([expect.stringMatching(/^\$\{aws_iam_role\.iam_autoscaling-role_[^.]+\.arn\}$/)]);
    doc.statement = doc.statement.filter((s: any) => s !== autoscaling);
    expect(reasons(stack, sfnRoleMatchesDefinition)).toEqual([expect.stringMatching(/may not pass \$\{aws_iam_role\.iam_autoscaling-role_.+\.arn\}, which CreateCluster passes/)]);
    doc.statement.push({ ...autoscaling, resources: ["arn:aws:iam::1:role/admin"] });
    expect(reasons(stack, sfnRoleMatchesDefinition)).toEqual([
      expect.stringMatching(/may not pass \$\{aws_iam_role\.iam_autoscaling-role_.+\.arn\}, which CreateCluster passes.*; .*may pass arn:aws:iam::1:role\/admin, which no CreateCluster or StartJobRun passes/),
    ]);
  });

  test("the EC2 role is found through the instance profile CreateCluster names", () => {
    const pass = roleDocument(BASE).statement.find((s: any) => s.sid === "PassClusterRoles");
    expect(pass.resources).toEqual([expect.stringMatching(/iam_service-role/), expect.stringMatching(/iam_instance-role/)]);
    const stack = structuredClone(BASE);
    roleDocument(stack).statement.find((s: any) => s.sid === "PassClusterRoles").resources = [pass.resources[0]];
    expect(reasons(stack, sfnRoleMatchesDefinition)).toEqual([expect.stringMatching(/may not pass \$\{aws_iam_role\.iam_instance-role_.+\.arn\}, which CreateCluster passes/)]);
  });

  test("fails when the role grants an action no state needs", () => {
    const stack = structuredClone(BASE);
    roleDocument(stack).statement.push({ sid: "Extra", actions: ["s3:DeleteObject"], resources: ["arn:aws:s3:::b/*"] });
    expect(reasons(stack, sfnRoleMatchesDefinition)).toEqual([expect.stringMatching(/grants s3:DeleteObject, which no state of the definition needs/)]);
  });

  test("fails on a wildcard resource without a documented reason", () => {
    const stack = structuredClone(BASE);
    const statement = roleDocument(stack).statement.find((s: any) => s.sid === "PublishNotifications");
    statement.resources = ["*"];
    expect(reasons(stack, sfnRoleMatchesDefinition)).toEqual([expect.stringMatching(/statement "PublishNotifications" has a wildcard resource without a documented reason/)]);
  });

  test("fails on a resource with no IAM mapping", () => {
    const stack = variant((d) => {
      d.States.Extra = { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Retry: [{ ErrorEquals: ["States.ALL"], MaxAttempts: 1 }], End: true };
    });
    expect(reasons(stack, sfnRoleMatchesDefinition)).toEqual([expect.stringMatching(/lambda:invoke has no IAM mapping/)]);
  });
});

describe("a serverless pipeline (local's tracker-daily)", () => {
  const LOCAL = JSON.parse(Testing.synth(new EmrPlatformStack(Testing.app(), "emr-local", loadEnvironment("local")))) as any;
  const trackerRole = (stack: any) => {
    const id = Object.keys(stack.data.aws_iam_policy_document).find((k) => k.includes("tracker-daily_role-policy-document")) as string;
    return stack.data.aws_iam_policy_document[id];
  };

  test("satisfies every Step Functions rule; its role passes exactly the job runtime role, to EMR Serverless", () => {
    const report = runPolicyGuard(LOCAL, { rules: [sfnFailuresTerminateCluster, sfnRetryBounded, sfnTimeoutSet, sfnLoggingOn, sfnRoleMatchesDefinition] });
    expect(report.checked).toBe(2);
    expect(report.violations).toEqual([]);
    const pass = trackerRole(LOCAL).statement.find((s: any) => s.sid === "PassJobRuntimeRole");
    expect(pass.resources).toEqual([expect.stringMatching(/^\$\{aws_iam_role\.emr-serverless_runtime-role_[^.]+\.arn\}$/)]);
  });

  test("fails when the role may not pass the job role StartJobRun passes", () => {
    const stack = structuredClone(LOCAL);
    const doc = trackerRole(stack);
    doc.statement = doc.statement.filter((s: any) => s.sid !== "PassJobRuntimeRole");
    expect(reasons(stack, sfnRoleMatchesDefinition)).toEqual([
      expect.stringMatching(/lacks iam:PassRole, which the definition needs.*; .*may not pass \$\{aws_iam_role\.emr-serverless_runtime-role_.+\.arn\}, which StartJobRun passes/),
    ]);
  });
});

