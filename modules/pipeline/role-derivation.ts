/**
 * The state-machine role, derived from the definition: every Task's Resource ARN maps to the actions it needs
 * (Step Functions developer guide, "IAM policies for Amazon EMR" / SNS / AWS SDK integrations), scoped to what the
 * task's Parameters name. The policy guard (sfn-role-matches-definition) re-derives the actions from the
 * synthesized definition with the same table, so role and definition cannot drift apart.
 */
import type { Json } from "./run-job-flow";
import { CODE_MANIFEST_KEY, RESOURCES } from "./asl-builder";

/** Actions each integration needs; the guard compares a role's actions against exactly these. */
export const INTEGRATION_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  [RESOURCES.createCluster]: [
    "elasticmapreduce:RunJobFlow",
    "elasticmapreduce:DescribeCluster",
    "elasticmapreduce:TerminateJobFlows",
    "iam:PassRole",
    "iam:CreateServiceLinkedRole",
    "iam:PutRolePolicy",
    "events:PutTargets",
    "events:PutRule",
    "events:DescribeRule",
  ],
  [RESOURCES.addStep]: ["elasticmapreduce:AddJobFlowSteps", "elasticmapreduce:DescribeStep", "elasticmapreduce:CancelSteps", "events:PutTargets", "events:PutRule", "events:DescribeRule"],
  [RESOURCES.terminateCluster]: ["elasticmapreduce:TerminateJobFlows", "elasticmapreduce:DescribeCluster", "events:PutTargets", "events:PutRule", "events:DescribeRule"],
  [RESOURCES.publish]: ["sns:Publish", "kms:GenerateDataKey", "kms:Decrypt"],
  [RESOURCES.listExecutions]: ["states:ListExecutions"],
  [RESOURCES.getObject]: ["s3:GetObject", "kms:Decrypt"],
  // HeadObject needs s3:GetObject (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html, Permissions).
  [RESOURCES.headObject]: ["s3:GetObject", "kms:Decrypt"],
};

/** What CloudWatch Logs delivery and X-Ray tracing need: no resource-level permissions exist for these (AWS docs). */
export const OBSERVABILITY_ACTIONS: readonly string[] = [
  "logs:CreateLogDelivery",
  "logs:GetLogDelivery",
  "logs:UpdateLogDelivery",
  "logs:DeleteLogDelivery",
  "logs:ListLogDeliveries",
  "logs:PutResourcePolicy",
  "logs:DescribeResourcePolicies",
  "logs:DescribeLogGroups",
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "xray:GetSamplingRules",
  "xray:GetSamplingTargets",
];

/** Statements whose resources AWS forces to be wildcards, and why (the guard accepts wildcards only under these sids). */
export const WILDCARD_REASONS: Readonly<Record<string, string>> = {
  EmrCreateCluster: "RunJobFlow has no cluster ARN before the cluster exists (Step Functions EMR IAM page uses Resource *)",
  EmrTransientSteps: "the transient cluster's id exists only at run time; scoped to this account and region",
  EmrTransientClusters: "the transient cluster's id exists only at run time; scoped to this account and region",
  Observability: "log delivery and X-Ray actions support no resource-level permissions",
};

export interface RoleContext {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly stateMachineArn: string;
  readonly serviceRoleArn: string;
  /** The EC2 role ARN (not the instance profile's). */
  readonly ec2RoleArn: string;
  readonly kmsKeyArn: string;
  readonly artifactsBucketArn: string;
}

export interface DerivedStatement {
  readonly sid: string;
  readonly actions: string[];
  readonly resources: string[];
  readonly condition?: { test: string; variable: string; values: string[] }[];
}

interface TaskState {
  readonly Resource: string;
  readonly Parameters?: Record<string, Json>;
}

/** Every Task state of a definition, Parallel and Map branches included. */
export function taskStates(definition: { States?: Record<string, Record<string, unknown>> }): TaskState[] {
  const out: TaskState[] = [];
  const visit = (states: Record<string, Record<string, unknown>> | undefined) => {
    for (const state of Object.values(states ?? {})) {
      if (state.Type === "Task" && typeof state.Resource === "string") out.push(state as unknown as TaskState);
      for (const branch of (state.Branches as { States?: Record<string, Record<string, unknown>> }[] | undefined) ?? []) visit(branch.States);
      const processor = (state.ItemProcessor ?? state.Iterator) as { States?: Record<string, Record<string, unknown>> } | undefined;
      if (processor) visit(processor.States);
    }
  };
  visit(definition.States);
  return out;
}

/** The actions a definition needs, from its Resource ARNs; unknown resources are returned separately. */
export function definitionActions(definition: Parameters<typeof taskStates>[0]): { actions: Set<string>; unknown: string[] } {
  const actions = new Set<string>();
  const unknown: string[] = [];
  for (const task of taskStates(definition)) {
    const needed = INTEGRATION_ACTIONS[task.Resource];
    if (!needed) unknown.push(task.Resource);
    else for (const a of needed) actions.add(a);
  }
  return { actions, unknown };
}

const EMR_EVENT_RULES: Record<string, string> = {
  [RESOURCES.createCluster]: "StepFunctionsGetEventForEMRRunJobFlowRule",
  [RESOURCES.addStep]: "StepFunctionsGetEventForEMRAddJobFlowStepsRule",
  [RESOURCES.terminateCluster]: "StepFunctionsGetEventForEMRTerminateJobFlowsRule",
};

export function deriveRoleStatements(definition: Parameters<typeof taskStates>[0], ctx: RoleContext): DerivedStatement[] {
  const tasks = taskStates(definition);
  const { unknown } = definitionActions(definition);
  if (unknown.length) throw new Error(`state machine role: no IAM mapping for ${[...new Set(unknown)].join(", ")}; fix: add it to INTEGRATION_ACTIONS`);
  const used = new Set(tasks.map((t) => t.Resource));
  const arn = (service: string, resource: string, region = ctx.region, account = ctx.accountId) => `arn:${ctx.partition}:${service}:${region}:${account}:${resource}`;
  const statements: DerivedStatement[] = [];
  const fixedClusters = [...new Set(tasks.filter((t) => t.Resource === RESOURCES.addStep).map((t) => t.Parameters?.ClusterId).filter((c): c is string => typeof c === "string"))];
  const dynamicSteps = tasks.some((t) => t.Resource === RESOURCES.addStep && t.Parameters && "ClusterId.$" in t.Parameters);

  if (used.has(RESOURCES.createCluster)) {
    statements.push(
      // The AWS template puts all three on "*"; only RunJobFlow needs it (DescribeCluster and TerminateJobFlows take a
      // cluster ARN, granted in EmrTransientClusters).
      { sid: "EmrCreateCluster", actions: ["elasticmapreduce:RunJobFlow"], resources: ["*"] },
      {
        sid: "PassClusterRoles",
        actions: ["iam:PassRole"],
        resources: [ctx.serviceRoleArn, ctx.ec2RoleArn],
        condition: [{ test: "StringEquals", variable: "iam:PassedToService", values: ["elasticmapreduce.amazonaws.com", "ec2.amazonaws.com"] }],
      },
      {
        sid: "EmrCleanupServiceLinkedRole",
        // createCluster needs AWSServiceRoleForEMRCleanup (Step Functions EMR integration page, "Using service-linked roles").
        actions: ["iam:CreateServiceLinkedRole", "iam:PutRolePolicy"],
        resources: [`arn:${ctx.partition}:iam::${ctx.accountId}:role/aws-service-role/elasticmapreduce.amazonaws.com*/AWSServiceRoleForEMRCleanup*`],
        condition: [{ test: "StringLike", variable: "iam:AWSServiceName", values: ["elasticmapreduce.amazonaws.com", "elasticmapreduce.amazonaws.com.cn"] }],
      },
    );
  }
  if (fixedClusters.length) {
    statements.push({
      sid: "EmrClusterSteps",
      actions: ["elasticmapreduce:AddJobFlowSteps", "elasticmapreduce:DescribeStep", "elasticmapreduce:CancelSteps"],
      resources: fixedClusters.map((id) => arn("elasticmapreduce", `cluster/${id}`)),
    });
  }
  if (dynamicSteps) {
    statements.push({
      sid: "EmrTransientSteps",
      actions: ["elasticmapreduce:AddJobFlowSteps", "elasticmapreduce:DescribeStep", "elasticmapreduce:CancelSteps"],
      resources: [arn("elasticmapreduce", "cluster/*")],
    });
  }
  if (used.has(RESOURCES.createCluster) || used.has(RESOURCES.terminateCluster)) {
    statements.push({ sid: "EmrTransientClusters", actions: ["elasticmapreduce:DescribeCluster", "elasticmapreduce:TerminateJobFlows"], resources: [arn("elasticmapreduce", "cluster/*")] });
  }
  const rules = Object.entries(EMR_EVENT_RULES).filter(([resource]) => used.has(resource)).map(([, rule]) => arn("events", `rule/${rule}`));
  if (rules.length) {
    statements.push({ sid: "EmrSyncEventRules", actions: ["events:PutTargets", "events:PutRule", "events:DescribeRule"], resources: rules });
  }
  const topics = [...new Set(tasks.filter((t) => t.Resource === RESOURCES.publish).map((t) => String(t.Parameters?.TopicArn)))];
  if (topics.length) {
    statements.push(
      { sid: "PublishNotifications", actions: ["sns:Publish"], resources: topics },
      {
        sid: "EncryptedTopicKey",
        actions: ["kms:GenerateDataKey", "kms:Decrypt"],
        resources: [ctx.kmsKeyArn],
        condition: [{ test: "StringEquals", variable: "kms:ViaService", values: [`sns.${ctx.region}.amazonaws.com`] }],
      },
    );
  }
  if (used.has(RESOURCES.listExecutions)) {
    statements.push({ sid: "ConcurrencyGuard", actions: ["states:ListExecutions"], resources: [ctx.stateMachineArn] });
  }
  if (used.has(RESOURCES.getObject)) {
    statements.push(
      { sid: "CodeManifest", actions: ["s3:GetObject"], resources: [`${ctx.artifactsBucketArn}/${CODE_MANIFEST_KEY}`] },
      {
        sid: "CodeManifestKey",
        actions: ["kms:Decrypt"],
        resources: [ctx.kmsKeyArn],
        condition: [{ test: "StringEquals", variable: "kms:ViaService", values: [`s3.${ctx.region}.amazonaws.com`] }],
      },
    );
  }
  statements.push({ sid: "Observability", actions: [...OBSERVABILITY_ACTIONS], resources: ["*"] });
  return statements;
}
