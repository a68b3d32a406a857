/**
 * The Step Functions words the pipeline module, the CLI and the policy guard share: the integrations' Resource ARNs,
 * the IAM actions each one needs, where the code manifest lives and what an execution's input carries, and the
 * readings of a definition (its Task states, the actions they need, the roles a CreateCluster passes) that both the
 * role derivation (modules/pipeline/role-derivation.ts) and the guard (policy/rules/sfn-role-matches-definition.ts)
 * perform. Agreed here, so the guard judges a role by the contract rather than by the module's own table.
 */

/** Resource ARNs of the integrations the definitions use (Step Functions developer guide, "Amazon EMR" page). */
export const RESOURCES = {
  createCluster: "arn:aws:states:::elasticmapreduce:createCluster.sync",
  addStep: "arn:aws:states:::elasticmapreduce:addStep.sync",
  terminateCluster: "arn:aws:states:::elasticmapreduce:terminateCluster.sync",
  publish: "arn:aws:states:::sns:publish",
  listExecutions: "arn:aws:states:::aws-sdk:sfn:listExecutions",
  getObject: "arn:aws:states:::aws-sdk:s3:getObject",
  headObject: "arn:aws:states:::aws-sdk:s3:headObject",
  /** Step Functions developer guide, "Create and manage Amazon EMR Serverless applications with Step Functions". */
  startJobRun: "arn:aws:states:::emr-serverless:startJobRun.sync",
} as const;

/** Where `pipeline run` (and `upload`) record the content-addressed keys of the code scheduled runs use. */
export const CODE_MANIFEST_KEY = "jobs/pipeline-code.json";

/**
 * The code manifest: which uploaded artifacts an execution runs. A person's `pipeline run` passes it as the
 * execution input's `code`; scheduled and data-arrival runs read it from CODE_MANIFEST_KEY. The definition reads
 * `$.code.pyFiles` and `$.code.entrypoints.<job>`.
 */
export interface CodeManifest {
  /** `s3://<artifacts>/jobs/` */
  readonly prefix: string;
  readonly pyFiles: string;
  readonly requirements: string;
  /** job name → its entry-point script */
  readonly entrypoints: Record<string, string>;
}

/** What a person's execution passes: the logical date, and the code to run. */
export interface ExecutionInput {
  readonly date: string;
  readonly code: CodeManifest;
}

/** Where the state holds the code manifest: the input's `code`, or the manifest read from CODE_MANIFEST_KEY. */
export const CODE_PATH = `$.${"code" satisfies keyof ExecutionInput}`;

/** The JSONPath of a manifest field (and keys below it): `codePath("entrypoints", "smoke")` is `$.code.entrypoints.smoke`. */
export function codePath(field: keyof CodeManifest, ...keys: string[]): string {
  return [CODE_PATH, field, ...keys].join(".");
}

/**
 * S3 reads of the SDK integrations. HeadObject is authorised by s3:GetObject (S3 API reference, HeadObject,
 * "Permissions"); both answer a missing key with 404 only to a caller holding s3:ListBucket on the bucket, else 403
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html), so ListBucket is part of the read.
 */

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
  // "IAM policies for Amazon EMR Serverless" (https://docs.aws.amazon.com/step-functions/latest/dg/emr-serverless-iam.html),
  // StartJobRun, Run a Job (.sync): StartJobRun on the application, GetJobRun/CancelJobRun on its job runs, PassRole of
  // the job role to emr-serverless.amazonaws.com, and the managed rule StepFunctionsGetEventsForEMRServerlessJobRule.
  [RESOURCES.startJobRun]: [
    "emr-serverless:StartJobRun",
    "emr-serverless:GetJobRun",
    "emr-serverless:CancelJobRun",
    "iam:PassRole",
    "events:PutTargets",
    "events:PutRule",
    "events:DescribeRule",
  ],
  [RESOURCES.publish]: ["sns:Publish", "kms:GenerateDataKey", "kms:Decrypt"],
  [RESOURCES.listExecutions]: ["states:ListExecutions"],
  [RESOURCES.getObject]: ["s3:GetObject", "s3:ListBucket", "kms:Decrypt"],
  // HeadObject needs s3:GetObject only (S3 API reference, HeadObject, Permissions); it returns metadata and decrypts nothing.
  [RESOURCES.headObject]: ["s3:GetObject", "s3:ListBucket"],
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
  EmrServerlessJobRuns: "a job run's id exists only once StartJobRun returns; scoped to the application's job runs",
  ReadObjects: "a key that holds the run's date is known only at run time; scoped to the static prefix before the date",
};

export interface TaskState {
  readonly Resource: string;
  readonly Parameters?: Readonly<Record<string, unknown>>;
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

/**
 * Which service each CreateCluster role is passed to (EMR Management Guide, "Allow users and groups to create and modify
 * roles"); a StartJobRun's ExecutionRoleArn goes to emr-serverless.amazonaws.com.
 */
export type PassedRole = { readonly parameter: "ServiceRole" | "JobFlowRole" | "AutoScalingRole" | "ExecutionRoleArn"; readonly role: string };

/**
 * The roles every CreateCluster and StartJobRun task passes, read from its Parameters: ServiceRole, AutoScalingRole and
 * ExecutionRoleArn are role ARNs, JobFlowRole an instance profile that `profileRole` maps to its role. A role named only
 * at run time (`ServiceRole.$`) or a profile without a known role is a problem: PassRole could not be scoped.
 */
export function passedRoles(tasks: readonly TaskState[], profileRole: (profile: string) => string | undefined): { roles: PassedRole[]; problems: string[] } {
  const roles: PassedRole[] = [];
  const problems: string[] = [];
  for (const task of tasks.filter((t) => t.Resource === RESOURCES.createCluster)) {
    const parameters = task.Parameters ?? {};
    for (const parameter of ["ServiceRole", "JobFlowRole", "AutoScalingRole"] as const) {
      if (`${parameter}.$` in parameters) problems.push(`CreateCluster names ${parameter} only at run time, so iam:PassRole cannot be scoped; fix: name the role in the definition`);
      const value = parameters[parameter];
      if (value === undefined) continue;
      if (typeof value !== "string") {
        problems.push(`CreateCluster ${parameter} is not a string; fix: the role's ARN (the instance profile's name for JobFlowRole)`);
        continue;
      }
      const role = parameter === "JobFlowRole" ? profileRole(value) : value;
      if (role === undefined) problems.push(`CreateCluster JobFlowRole ${value} is no instance profile of this platform; fix: use the cluster's instance profile`);
      else roles.push({ parameter, role });
    }
  }
  for (const task of tasks.filter((t) => t.Resource === RESOURCES.startJobRun)) {
    const parameters = task.Parameters ?? {};
    const role = parameters.ExecutionRoleArn;
    if (typeof role === "string") roles.push({ parameter: "ExecutionRoleArn", role });
    else problems.push("StartJobRun names no literal ExecutionRoleArn, so iam:PassRole cannot be scoped; fix: name the job role in the definition");
  }
  return { roles, problems };
}
