/** The state-machine role derived from definitions: a table of integrations → statements, and failing inputs. */
import { CODE_MANIFEST_KEY, definitionActions, INTEGRATION_ACTIONS, RESOURCES, WILDCARD_REASONS } from "../../contracts/step-functions";
import { deriveRoleStatements, type RoleContext } from "../../modules/pipeline/role-derivation";

const SERVICE_ROLE = "arn:aws:iam::123456789012:role/emr-service";
const EC2_ROLE = "arn:aws:iam::123456789012:role/emr-ec2";
const AUTOSCALING_ROLE = "arn:aws:iam::123456789012:role/emr-autoscaling";
const HEAD_OBJECT = RESOURCES.headObject;
/** CreateCluster Parameters as run-job-flow.ts renders them: role ARNs, and the instance profile by name. */
const CLUSTER_ROLES = { ServiceRole: SERVICE_ROLE, JobFlowRole: "emr-profile" };

const CTX: RoleContext = {
  partition: "aws",
  region: "eu-west-1",
  accountId: "123456789012",
  stateMachineArn: "arn:aws:states:eu-west-1:123456789012:stateMachine:p",
  instanceProfileRoles: { "emr-profile": EC2_ROLE },
  kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/k",
};

const JOB_ROLE = "arn:aws:iam::123456789012:role/emr-serverless-job";
/** StartJobRun Parameters as asl-builder.ts renders them for a serverless step. */
const JOB_RUN = { ApplicationId: "00app", ExecutionRoleArn: JOB_ROLE, Name: "p/s", "ClientToken.$": "States.UUID()" };

const task = (Resource: string, Parameters: Record<string, unknown> = {}) => ({ Type: "Task", Resource, Parameters });
const definition = (...tasks: ReturnType<typeof task>[]) => ({ States: Object.fromEntries(tasks.map((t, i) => [`S${i}`, t])) });
const bySid = (d: ReturnType<typeof definition>) => Object.fromEntries(deriveRoleStatements(d, CTX).map((s) => [s.sid, s]));

describe("deriveRoleStatements", () => {
  test.each([
    [RESOURCES.createCluster, CLUSTER_ROLES, ["EmrCreateCluster", "PassClusterRoles", "EmrCleanupServiceLinkedRole", "EmrTransientClusters", "EmrSyncEventRules", "Observability"]],
    [RESOURCES.addStep, { "ClusterId.$": "$.cluster.clusterId" }, ["EmrTransientSteps", "EmrSyncEventRules", "Observability"]],
    [RESOURCES.addStep, { ClusterId: "j-ENV" }, ["EmrClusterSteps", "EmrSyncEventRules", "Observability"]],
    [RESOURCES.terminateCluster, {}, ["EmrTransientClusters", "EmrSyncEventRules", "Observability"]],
    [RESOURCES.publish, { TopicArn: "arn:aws:sns:eu-west-1:123456789012:t" }, ["PublishNotifications", "EncryptedTopicKey", "Observability"]],
    [RESOURCES.listExecutions, {}, ["ConcurrencyGuard", "Observability"]],
    [RESOURCES.getObject, { Bucket: "artifacts", Key: CODE_MANIFEST_KEY }, ["ReadObjects", "ListReadBuckets", "ReadObjectsKey", "Observability"]],
    [HEAD_OBJECT, { Bucket: "artifacts", Key: "jobs/rules/ohlcv.json" }, ["ReadObjects", "ListReadBuckets", "Observability"]],
    [RESOURCES.startJobRun, JOB_RUN, ["PassJobRuntimeRole", "EmrServerlessStartJobRun", "EmrServerlessJobRuns", "EmrSyncEventRules", "Observability"]],
  ])("%s %j → %j", (resource, parameters, sids) => {
    expect(deriveRoleStatements(definition(task(resource, parameters)), CTX).map((s) => s.sid)).toEqual(sids);
  });

  test("PassRole names exactly the EMR service role and the EC2 role, for EMR and EC2 only", () => {
    const pass = bySid(definition(task(RESOURCES.createCluster, CLUSTER_ROLES))).PassClusterRoles;
    expect(pass.resources).toEqual([SERVICE_ROLE, EC2_ROLE]);
    expect(pass.resources.some((r) => r.includes("instance-profile"))).toBe(false);
    expect(pass.condition).toEqual([{ test: "StringEquals", variable: "iam:PassedToService", values: ["elasticmapreduce.amazonaws.com", "ec2.amazonaws.com"] }]);
  });

  test("the AutoScalingRole CreateCluster passes may be passed, to Application Auto Scaling only", () => {
    const s = bySid(definition(task(RESOURCES.createCluster, { ...CLUSTER_ROLES, AutoScalingRole: AUTOSCALING_ROLE })));
    expect(s.PassAutoScalingRole).toEqual({
      sid: "PassAutoScalingRole",
      actions: ["iam:PassRole"],
      resources: [AUTOSCALING_ROLE],
      condition: [{ test: "StringLike", variable: "iam:PassedToService", values: ["application-autoscaling.amazonaws.com*"] }],
    });
    expect(s.PassClusterRoles.resources).not.toContain(AUTOSCALING_ROLE);
    // Without an AutoScalingRole (instance fleets) nothing may pass one.
    expect(bySid(definition(task(RESOURCES.createCluster, CLUSTER_ROLES))).PassAutoScalingRole).toBeUndefined();
  });

  test("fails if a CreateCluster role cannot be scoped: an unknown instance profile, or a role named at run time", () => {
    expect(() => deriveRoleStatements(definition(task(RESOURCES.createCluster, { ...CLUSTER_ROLES, JobFlowRole: "other" })), CTX)).toThrow(/JobFlowRole other is no instance profile of this platform/);
    expect(() => deriveRoleStatements(definition(task(RESOURCES.createCluster, { ...CLUSTER_ROLES, "AutoScalingRole.$": "$.role" })), CTX)).toThrow(/AutoScalingRole only at run time/);
  });

  test("S3 reads: GetObject on each key or on the static prefix of a States.Format key, ListBucket on each bucket", () => {
    const d = definition(
      task(RESOURCES.getObject, { Bucket: "artifacts", Key: CODE_MANIFEST_KEY }),
      task(RESOURCES.getObject, { Bucket: "data", "Key.$": "States.Format('processed/quality/{}/verdict.json', $.run.date)" }),
      task(HEAD_OBJECT, { Bucket: "artifacts", Key: "jobs/rules/ohlcv.json" }),
      task(HEAD_OBJECT, { Bucket: "data", "Key.$": "States.Format('odd\\{x\\}/{}/v', $.run.date)" }),
    );
    const s = bySid(d);
    expect(s.ReadObjects.resources).toEqual([
      `arn:aws:s3:::artifacts/${CODE_MANIFEST_KEY}`,
      "arn:aws:s3:::data/processed/quality/*",
      "arn:aws:s3:::artifacts/jobs/rules/ohlcv.json",
      "arn:aws:s3:::data/odd{x}/*",
    ]);
    expect(s.ListReadBuckets.resources).toEqual(["arn:aws:s3:::artifacts", "arn:aws:s3:::data"]);
    expect(s.ReadObjectsKey.condition).toEqual([{ test: "StringEquals", variable: "kms:ViaService", values: ["s3.eu-west-1.amazonaws.com"] }]);
  });

  test("fails if an S3 read's key is known only at run time (no static prefix)", () => {
    expect(() => deriveRoleStatements(definition(task(RESOURCES.getObject, { Bucket: "b", "Key.$": "$.key" })), CTX)).toThrow(/reads a key known only at run time/);
    expect(() => deriveRoleStatements(definition(task(HEAD_OBJECT, { Bucket: "b", "Key.$": "States.Format('{}/x', $.d)" })), CTX)).toThrow(/reads a key known only at run time/);
    expect(() => deriveRoleStatements(definition(task(RESOURCES.getObject, { "Bucket.$": "$.b", Key: "k" })), CTX)).toThrow(/no literal Bucket/);
  });

  test("the three StepFunctionsGetEventForEMR rules appear when all three EMR integrations are used", () => {
    const d = definition(task(RESOURCES.createCluster, CLUSTER_ROLES), task(RESOURCES.addStep, { "ClusterId.$": "$.c" }), task(RESOURCES.terminateCluster));
    expect(bySid(d).EmrSyncEventRules.resources).toEqual([
      "arn:aws:events:eu-west-1:123456789012:rule/StepFunctionsGetEventForEMRRunJobFlowRule",
      "arn:aws:events:eu-west-1:123456789012:rule/StepFunctionsGetEventForEMRAddJobFlowStepsRule",
      "arn:aws:events:eu-west-1:123456789012:rule/StepFunctionsGetEventForEMRTerminateJobFlowsRule",
    ]);
  });

  test("scoping: the cleanup SLR, the topic and its key, the manifest, the own state machine", () => {
    const d = definition(task(RESOURCES.createCluster, CLUSTER_ROLES), task(RESOURCES.publish, { TopicArn: "arn:t" }), task(RESOURCES.getObject, { Bucket: "artifacts", Key: CODE_MANIFEST_KEY }), task(RESOURCES.listExecutions));
    const s = bySid(d);
    expect(s.EmrCleanupServiceLinkedRole.resources).toEqual(["arn:aws:iam::123456789012:role/aws-service-role/elasticmapreduce.amazonaws.com*/AWSServiceRoleForEMRCleanup*"]);
    expect(s.PublishNotifications.resources).toEqual(["arn:t"]);
    expect(s.EncryptedTopicKey.resources).toEqual([CTX.kmsKeyArn]);
    expect(s.ReadObjects.resources).toEqual([`arn:aws:s3:::artifacts/${CODE_MANIFEST_KEY}`]);
    expect(s.ConcurrencyGuard.resources).toEqual([CTX.stateMachineArn]);
  });

  test("every wildcard resource sits under a sid with a written reason", () => {
    const d = definition(task(RESOURCES.createCluster, CLUSTER_ROLES), task(RESOURCES.addStep, { "ClusterId.$": "$.c" }), task(RESOURCES.terminateCluster), task(RESOURCES.publish, { TopicArn: "t" }));
    const wild = deriveRoleStatements(d, CTX).filter((s) => s.resources.some((r) => r === "*" || r.endsWith("/*")));
    expect(wild.map((s) => s.sid).sort()).toEqual(["EmrCreateCluster", "EmrTransientClusters", "EmrTransientSteps", "Observability"]);
    // Only RunJobFlow (no ARN before creation) and the observability actions take a bare "*".
    expect(wild.filter((s) => s.resources.includes("*")).flatMap((s) => s.actions).filter((a) => a.startsWith("elasticmapreduce:"))).toEqual(["elasticmapreduce:RunJobFlow"]);
    for (const s of wild) expect(WILDCARD_REASONS[s.sid]).toMatch(/\w/);
  });

  test("EMR Serverless: StartJobRun on the application, GetJobRun and CancelJobRun on its job runs, the .sync rule, PassRole of exactly the job role to EMR Serverless", () => {
    const s = bySid(definition(task(RESOURCES.startJobRun, JOB_RUN), task(RESOURCES.startJobRun, { ...JOB_RUN, Name: "p/t" })));
    expect(s.EmrServerlessStartJobRun).toEqual({ sid: "EmrServerlessStartJobRun", actions: ["emr-serverless:StartJobRun"], resources: ["arn:aws:emr-serverless:eu-west-1:123456789012:/applications/00app"] });
    expect(s.EmrServerlessJobRuns).toEqual({
      sid: "EmrServerlessJobRuns",
      actions: ["emr-serverless:GetJobRun", "emr-serverless:CancelJobRun"],
      resources: ["arn:aws:emr-serverless:eu-west-1:123456789012:/applications/00app/jobruns/*"],
    });
    expect(s.EmrSyncEventRules.resources).toEqual(["arn:aws:events:eu-west-1:123456789012:rule/StepFunctionsGetEventsForEMRServerlessJobRule"]);
    expect(s.PassJobRuntimeRole).toEqual({
      sid: "PassJobRuntimeRole",
      actions: ["iam:PassRole"],
      resources: [JOB_ROLE],
      condition: [{ test: "StringEquals", variable: "iam:PassedToService", values: ["emr-serverless.amazonaws.com"] }],
    });
    expect(s.PassClusterRoles).toBeUndefined();
    expect(WILDCARD_REASONS.EmrServerlessJobRuns).toMatch(/\w/);
    const d = definition(task(RESOURCES.startJobRun, JOB_RUN));
    const derived = new Set(deriveRoleStatements(d, CTX).filter((st) => st.sid !== "Observability").flatMap((st) => st.actions));
    expect([...derived].sort()).toEqual([...definitionActions(d).actions].sort());
  });

  test("fails if a StartJobRun's application or job role is known only at run time", () => {
    const { ApplicationId: _a, ...noApplication } = JOB_RUN;
    expect(() => deriveRoleStatements(definition(task(RESOURCES.startJobRun, { ...noApplication, "ApplicationId.$": "$.app" })), CTX)).toThrow(/names its ApplicationId only at run time/);
    const { ExecutionRoleArn: _r, ...noRole } = JOB_RUN;
    expect(() => deriveRoleStatements(definition(task(RESOURCES.startJobRun, { ...noRole, "ExecutionRoleArn.$": "$.role" })), CTX)).toThrow(/StartJobRun names no literal ExecutionRoleArn/);
  });

  test("tasks inside Parallel branches count", () => {
    const d = { States: { G: { Type: "Parallel", Branches: [{ States: { T: task(RESOURCES.addStep, { ClusterId: "j-X" }) } }] } } };
    expect(deriveRoleStatements(d, CTX).map((s) => s.sid)).toContain("EmrClusterSteps");
    expect([...definitionActions(d).actions].sort()).toEqual([...INTEGRATION_ACTIONS[RESOURCES.addStep]].sort());
  });

  test("an integration without a mapping fails loudly, naming the fix", () => {
    expect(() => deriveRoleStatements(definition(task("arn:aws:states:::lambda:invoke")), CTX)).toThrow(/no IAM mapping for arn:aws:states:::lambda:invoke; fix: add it to INTEGRATION_ACTIONS/);
  });

  test("derived actions equal the table's actions for the resources used (what the guard checks)", () => {
    const d = definition(task(RESOURCES.createCluster, { ...CLUSTER_ROLES, AutoScalingRole: AUTOSCALING_ROLE }), task(RESOURCES.publish, { TopicArn: "t" }), task(RESOURCES.getObject, { Bucket: "a", Key: "k" }), task(HEAD_OBJECT, { Bucket: "a", Key: "k2" }));
    const derived = new Set(deriveRoleStatements(d, CTX).filter((s) => s.sid !== "Observability").flatMap((s) => s.actions));
    expect([...derived].sort()).toEqual([...definitionActions(d).actions].sort());
  });
});
