/**
 * The state-machine role, derived from the definition: every Task's Resource ARN maps to the actions it needs
 * (Step Functions developer guide, "IAM policies for Amazon EMR" / SNS / AWS SDK integrations), scoped to what the
 * task's Parameters name. The table and the readings of a definition are the contract in contracts/step-functions.ts;
 * the policy guard (sfn-role-matches-definition) re-derives the actions from the synthesized definition with the same
 * contract, so role and definition cannot drift apart.
 */
import {
  definitionActions,
  OBSERVABILITY_ACTIONS,
  passedRoles,
  RESOURCES,
  taskStates,
  type PassedRole,
  type TaskState,
} from "../../contracts/step-functions";

export interface RoleContext {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly stateMachineArn: string;
  /**
   * The role inside each instance profile a CreateCluster may name as JobFlowRole (RunJobFlow takes the profile's
   * name; iam:PassRole is checked on the role in it), keyed by the value the definition carries.
   */
  readonly instanceProfileRoles: Readonly<Record<string, string>>;
  readonly kmsKeyArn: string;
}

export interface DerivedStatement {
  readonly sid: string;
  readonly actions: string[];
  readonly resources: string[];
  readonly condition?: { test: string; variable: string; values: string[] }[];
}

const EMR_EVENT_RULES: Record<string, string> = {
  [RESOURCES.createCluster]: "StepFunctionsGetEventForEMRRunJobFlowRule",
  [RESOURCES.addStep]: "StepFunctionsGetEventForEMRAddJobFlowStepsRule",
  [RESOURCES.terminateCluster]: "StepFunctionsGetEventForEMRTerminateJobFlowsRule",
  // "IAM policies for Amazon EMR Serverless", StartJobRun, Run a Job (.sync)
  // (https://docs.aws.amazon.com/step-functions/latest/dg/emr-serverless-iam.html).
  [RESOURCES.startJobRun]: "StepFunctionsGetEventsForEMRServerlessJobRule",
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

  // A CreateCluster's PassRole statements (below) cover every passed role, a StartJobRun's job role included.
  if (used.has(RESOURCES.startJobRun) && !used.has(RESOURCES.createCluster)) statements.push(...passRoleStatements(passedRoles(tasks, (profile) => ctx.instanceProfileRoles[profile])));
  if (used.has(RESOURCES.createCluster)) {
    statements.push(
      // The AWS template puts all three on "*"; only RunJobFlow needs it (DescribeCluster and TerminateJobFlows take a
      // cluster ARN, granted in EmrTransientClusters).
      { sid: "EmrCreateCluster", actions: ["elasticmapreduce:RunJobFlow"], resources: ["*"] },
      ...passRoleStatements(passedRoles(tasks, (profile) => ctx.instanceProfileRoles[profile])),
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
  const applications = unique(tasks.filter((t) => t.Resource === RESOURCES.startJobRun).map((t) => t.Parameters?.ApplicationId));
  if (applications.some((a) => typeof a !== "string")) {
    throw new Error("state machine role: a StartJobRun names its ApplicationId only at run time, so emr-serverless:StartJobRun cannot be scoped; fix: name the application in the definition");
  }
  if (applications.length) {
    // StartJobRun on the application, GetJobRun and CancelJobRun (the .sync wait and its cancel on a stopped execution)
    // on its job runs: emr-serverless-iam.html, StartJobRun, static resources.
    const applicationArn = (id: unknown) => arn("emr-serverless", `/applications/${String(id)}`);
    statements.push(
      { sid: "EmrServerlessStartJobRun", actions: ["emr-serverless:StartJobRun"], resources: applications.map(applicationArn) },
      { sid: "EmrServerlessJobRuns", actions: ["emr-serverless:GetJobRun", "emr-serverless:CancelJobRun"], resources: applications.map((a) => `${applicationArn(a)}/jobruns/*`) },
    );
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
  const reads = objectReads(tasks);
  if (reads.problems.length) throw new Error(`state machine role: ${reads.problems.join("; ")}`);
  if (reads.objects.length) {
    const bucketArn = (bucket: string) => `arn:${ctx.partition}:s3:::${bucket}`;
    statements.push(
      { sid: "ReadObjects", actions: ["s3:GetObject"], resources: unique(reads.objects.map((o) => `${bucketArn(o.bucket)}/${o.key}`)) },
      // Without ListBucket a missing key is AccessDenied, not NoSuchKey (S3 GetObject, "Permissions").
      { sid: "ListReadBuckets", actions: ["s3:ListBucket"], resources: unique(reads.objects.map((o) => bucketArn(o.bucket))) },
    );
  }
  if (used.has(RESOURCES.getObject)) {
    statements.push({
      sid: "ReadObjectsKey",
      actions: ["kms:Decrypt"],
      resources: [ctx.kmsKeyArn],
      condition: [{ test: "StringEquals", variable: "kms:ViaService", values: [`s3.${ctx.region}.amazonaws.com`] }],
    });
  }
  statements.push({ sid: "Observability", actions: [...OBSERVABILITY_ACTIONS], resources: ["*"] });
  return statements;
}

const unique = <T>(values: T[]) => [...new Set(values)];

/**
 * PassRole for the cluster's roles. The service and EC2 roles go to EMR and EC2 (Step Functions developer guide,
 * https://docs.aws.amazon.com/step-functions/latest/dg/emr-iam.html, createCluster); the autoscaling role goes to
 * Application Auto Scaling, as in AmazonEMRFullAccessPolicy_v2's PassRoleForAutoScaling statement
 * (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonEMRFullAccessPolicy_v2.html).
 */
function passRoleStatements(passed: { roles: PassedRole[]; problems: string[] }): DerivedStatement[] {
  if (passed.problems.length) throw new Error(`state machine role: ${passed.problems.join("; ")}`);
  const cluster = unique(passed.roles.filter((r) => r.parameter !== "AutoScalingRole" && r.parameter !== "ExecutionRoleArn").map((r) => r.role));
  const autoscaling = unique(passed.roles.filter((r) => r.parameter === "AutoScalingRole").map((r) => r.role));
  const jobRoles = unique(passed.roles.filter((r) => r.parameter === "ExecutionRoleArn").map((r) => r.role));
  return [
    // The job runtime role, to EMR Serverless only (emr-serverless-iam.html: iam:PassRole with iam:PassedToService).
    ...(jobRoles.length
      ? [{ sid: "PassJobRuntimeRole", actions: ["iam:PassRole"], resources: jobRoles, condition: [{ test: "StringEquals", variable: "iam:PassedToService", values: ["emr-serverless.amazonaws.com"] }] }]
      : []),
    ...(cluster.length
      ? [{ sid: "PassClusterRoles", actions: ["iam:PassRole"], resources: cluster, condition: [{ test: "StringEquals", variable: "iam:PassedToService", values: ["elasticmapreduce.amazonaws.com", "ec2.amazonaws.com"] }] }]
      : []),
    ...(autoscaling.length
      ? [{ sid: "PassAutoScalingRole", actions: ["iam:PassRole"], resources: autoscaling, condition: [{ test: "StringLike", variable: "iam:PassedToService", values: [AUTOSCALING_SERVICE] }] }]
      : []),
  ];
}

/** `application-autoscaling.amazonaws.com*`, as the AWS managed policy writes it (also matches the .cn suffix). */
export const AUTOSCALING_SERVICE = "application-autoscaling.amazonaws.com*";

/** An object (or key prefix ending in `*`) that an S3 read task reads. */
export interface ObjectRead {
  readonly bucket: string;
  readonly key: string;
}

/** The static text of a `States.Format('…{}…', …)` template up to its first `{}`, unescaped; undefined if it is not one. */
function formatPrefix(expression: string): string | undefined {
  const match = /^States\.Format\('((?:[^'\\]|\\.)*)'/.exec(expression);
  if (!match) return undefined;
  let prefix = "";
  const template = match[1];
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === "\\") {
      prefix += template[i + 1] ?? "";
      i++;
    } else if (c === "{" && template[i + 1] === "}") {
      return `${prefix}*`;
    } else {
      prefix += c;
    }
  }
  return prefix;
}

/**
 * Every object the S3 read tasks (getObject, headObject) read: `Bucket` as given, `Key` as given, or for
 * `Key.$ = States.Format('<prefix>{}…', …)` the static prefix plus `*`. Any other run-time bucket or key cannot be
 * scoped and is a problem.
 */
export function objectReads(tasks: readonly TaskState[]): { objects: ObjectRead[]; problems: string[] } {
  const objects: ObjectRead[] = [];
  const problems: string[] = [];
  for (const task of tasks.filter((t) => t.Resource === RESOURCES.getObject || t.Resource === RESOURCES.headObject)) {
    const p = task.Parameters ?? {};
    const bucket = p.Bucket;
    if (typeof bucket !== "string") {
      problems.push(`${task.Resource} has no literal Bucket, so s3:GetObject cannot be scoped; fix: name the bucket in the definition`);
      continue;
    }
    const dynamic = p["Key.$"];
    const key = typeof p.Key === "string" ? p.Key : typeof dynamic === "string" ? formatPrefix(dynamic) : undefined;
    if (key === undefined || key === "*" || key === "") {
      problems.push(`${task.Resource} reads a key known only at run time (${JSON.stringify(dynamic ?? p.Key)}), so s3:GetObject cannot be scoped; fix: Key, or Key.$ = States.Format('<prefix>{}…', …) with a static prefix`);
      continue;
    }
    objects.push({ bucket, key });
  }
  return { objects, problems };
}
