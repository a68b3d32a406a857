/**
 * The definition rules: asl-validator and unique state names (sfn-definition-asl), and Parameters against the vendored
 * API models (sfn-definition-parameters), over every synthesized environment and over variants of the dev stack's
 * transient pipeline that must fail, each naming the state and the path.
 */
import { readFileSync } from "node:fs";
import { Testing } from "cdktf";
import { ENVIRONMENT_NAMES, loadEnvironment } from "../../environments";
import { EmrPlatformStack } from "../../modules/platform-stack";
import { RULE_IDS, runPolicyGuard, type StackJson } from "../../policy";
import { extractModels, findBotocoreData, serialize, VENDORED_PATH, type ApiModels } from "../../policy/api-models/extract";
import { sfnDefinitionAsl } from "../../policy/rules/sfn-definition-asl";
import { INTEGRATIONS, NOT_MODELLED_BY_SFN_CREATE_CLUSTER, sfnDefinitionParameters } from "../../policy/rules/sfn-definition-parameters";
import { dummyFor, withDummyReferences } from "../../policy/rules/sfn-definition-terraform";
import type { PolicyRule } from "../../policy/rule";

const RULES = [sfnDefinitionAsl, sfnDefinitionParameters];
const synthesized = (env: string) => JSON.parse(Testing.synth(new EmrPlatformStack(Testing.app(), `emr-${env}`, loadEnvironment(env)))) as any;
const STACKS = Object.fromEntries(ENVIRONMENT_NAMES.map((env) => [env, synthesized(env)]));
const BASE = STACKS.dev;
const TRANSIENT = Object.keys(BASE.resource.aws_sfn_state_machine).find((k) => k.includes("financial-daily")) as string;

type Mutation = (definition: any) => void;

/** Drops the createCluster fields the not-modelled table refuses, so a variant fails only for its own mutation. */
function withoutNotModelled(definition: any) {
  const instances = definition.States.CreateCluster?.Parameters.Instances;
  if (!instances) return;
  delete instances.UnhealthyNodeReplacement;
  for (const group of instances.InstanceGroups ?? [])
    for (const device of group.EbsConfiguration?.EbsBlockDeviceConfigs ?? []) delete device.VolumeSpecification.Throughput;
}

function variant(mutate: Mutation): StackJson {
  const stack = structuredClone(BASE);
  for (const [id, machine] of Object.entries<any>(stack.resource.aws_sfn_state_machine)) {
    const definition = JSON.parse(machine.definition);
    withoutNotModelled(definition);
    if (id === TRANSIENT) mutate(definition);
    machine.definition = JSON.stringify(definition);
  }
  return stack;
}

/** Each problem of the rule's findings (a finding joins its problems with "; " before a fix). */
const problems = (stack: StackJson, rule: PolicyRule<any>): string[] =>
  runPolicyGuard(stack, { rules: [rule] }).violations.flatMap((v) => v.reason.split(/; (?=Task |state name |asl-validator )/));

describe("every synthesized environment", () => {
  test.each(ENVIRONMENT_NAMES)("%s: every definition passes both rules, and the rules looked at every state machine", (env) => {
    const machines = Object.keys(STACKS[env].resource.aws_sfn_state_machine ?? {}).length;
    const report = runPolicyGuard(STACKS[env], { rules: RULES });
    expect(report.checked).toBe(machines);
    expect(report.violations.map((v) => `${v.rule} ${v.address}: ${v.reason}`)).toEqual([]);
  });

  test("the environments hold definitions to check, and the guard runs both rules", () => {
    const total = ENVIRONMENT_NAMES.reduce((n, env) => n + Object.keys(STACKS[env].resource.aws_sfn_state_machine ?? {}).length, 0);
    expect(total).toBeGreaterThan(4);
    expect(RULE_IDS).toEqual(expect.arrayContaining(["sfn-definition-asl", "sfn-definition-parameters"]));
  });

  test("the base the variants start from passes both rules (so each variant fails for its own mutation only)", () => {
    const report = runPolicyGuard(variant(() => {}), { rules: RULES });
    expect(report.violations).toEqual([]);
  });
});

describe("sfn-definition-asl", () => {
  test("a Parallel state named like the state inside its branch (the smokeNightly group shape) fails, naming both paths", () => {
    const found = problems(
      variant((d) => {
        const { Next, Catch, ...task } = d.States["Run archive"];
        d.States["Run archive"] = {
          Type: "Parallel",
          Branches: [{ StartAt: "Run archive", States: { "Run archive": { ...task, End: true } } }],
          ResultPath: null,
          Next,
          Catch,
        };
      }),
      sfnDefinitionAsl,
    );
    expect(found).toEqual([
      expect.stringMatching(/^state name "Run archive" is used 2 times \(States\["Run archive"\], States\["Run archive"\]\.Branches\[0\]\.States\["Run archive"\]\); .*fix: rename one/),
    ]);
  });

  test("a transition to a missing state fails with asl-validator's finding", () => {
    const found = problems(variant((d) => (d.States.CheckConcurrency.Next = "NoSuchState")), sfnDefinitionAsl);
    expect(found.length).toBeGreaterThan(0);
    expect(found.join("\n")).toMatch(/asl-validator MISSING_TRANSITION_TARGET: .*NoSuchState/);
  });

  test("a schema error (a Task without Resource) fails at its path", () => {
    const found = problems(variant((d) => delete d.States.CreateCluster.Resource), sfnDefinitionAsl);
    expect(found.join("\n")).toMatch(/asl-validator SCHEMA_VALIDATION_FAILED: \/States\/CreateCluster/);
  });
});

describe("sfn-definition-parameters", () => {
  const cases: [string, Mutation, RegExp][] = [
    [
      "a misspelt createCluster field",
      (d) => {
        const instances = d.States.CreateCluster.Parameters.Instances;
        instances.KeepJobFlowAliveWhenNoStep = instances.KeepJobFlowAliveWhenNoSteps;
        delete instances.KeepJobFlowAliveWhenNoSteps;
      },
      /^Task "CreateCluster" \(elasticmapreduce:createCluster\) Parameters\.Instances\.KeepJobFlowAliveWhenNoStep: unknown field "KeepJobFlowAliveWhenNoStep" \(nearest valid name: "KeepJobFlowAliveWhenNoSteps"\)/,
    ],
    [
      "a misspelt aws-sdk parameter (PascalCase names)",
      (d) => {
        const p = d.States.CheckConcurrency.Parameters;
        p.StatusFiltre = p.StatusFilter;
        delete p.StatusFilter;
      },
      /^Task "CheckConcurrency" \(aws-sdk:sfn:listExecutions\) Parameters\.StatusFiltre: unknown field "StatusFiltre" \(nearest valid name: "StatusFilter"\)/,
    ],
    [
      "a wrong enum value",
      (d) => (d.States["Run process"].Parameters.Step.ActionOnFailure = "CONTINUE_ON_ERROR"),
      /^Task "Run process" \(elasticmapreduce:addStep\) Parameters\.Step\.ActionOnFailure: "CONTINUE_ON_ERROR" is not one of .*"CONTINUE"/,
    ],
    [
      "a wrong aws-sdk enum value",
      (d) => (d.States.CheckConcurrency.Parameters.StatusFilter = "ACTIVE"),
      /^Task "CheckConcurrency" \(aws-sdk:sfn:listExecutions\) Parameters\.StatusFilter: "ACTIVE" is not one of .*"RUNNING"/,
    ],
    [
      "a wrong JSON type",
      (d) => (d.States.CreateCluster.Parameters.Instances.InstanceGroups[0].InstanceCount = "1"),
      /^Task "CreateCluster" \(elasticmapreduce:createCluster\) Parameters\.Instances\.InstanceGroups\[0\]\.InstanceCount: is string, the API takes an integer/,
    ],
    [
      "a missing required field",
      (d) => delete d.States["Run process"].Parameters.Step.HadoopJarStep,
      /^Task "Run process" \(elasticmapreduce:addStep\) Parameters\.Step: required field "HadoopJarStep" is missing/,
    ],
    [
      "a misspelt SNS publish field",
      (d) => {
        const p = d.States.NotifyFailure.Parameters;
        p.Subjects = p.Subject;
        delete p.Subject;
      },
      /^Task "NotifyFailure" \(sns:publish\) Parameters\.Subjects: unknown field "Subjects" \(nearest valid name: "Subject"\)/,
    ],
    [
      "an integration without a vendored model",
      (d) => (d.States.CheckConcurrency.Resource = "arn:aws:states:::aws-sdk:sfn:describeExecution"),
      /^Task "CheckConcurrency" \(aws-sdk:sfn:describeExecution\): no API model for this integration; fix: add its operation to MODELLED_OPERATIONS/,
    ],
  ];
  test.each(cases)("fails for %s, naming the state and the path", (_name, mutate, expected) => {
    const found = problems(variant(mutate), sfnDefinitionParameters);
    expect(found).toEqual([expect.stringMatching(expected)]);
  });

  test("an EMR Serverless job run (local's tracker-daily) is checked against StartJobRun in PascalCase: a misspelt field fails at its path", () => {
    const stack = structuredClone(STACKS.local);
    const id = Object.keys(stack.resource.aws_sfn_state_machine).find((k) => k.includes("tracker-daily")) as string;
    const definition = JSON.parse(stack.resource.aws_sfn_state_machine[id].definition);
    const driver = definition.States["Run aggregate"].Parameters.JobDriver.SparkSubmit;
    expect(definition.States["Run aggregate"].Resource).toBe("arn:aws:states:::emr-serverless:startJobRun.sync");
    driver["SparkSubmitParameter.$"] = driver["SparkSubmitParameters.$"];
    delete driver["SparkSubmitParameters.$"];
    stack.resource.aws_sfn_state_machine[id].definition = JSON.stringify(definition);
    expect(problems(stack, sfnDefinitionParameters)).toEqual([
      expect.stringMatching(/^Task "Run aggregate" \(emr-serverless:startJobRun\) Parameters\.JobDriver\.SparkSubmit\.SparkSubmitParameter\.\$: unknown field "SparkSubmitParameter" \(nearest valid name: "SparkSubmitParameters"\)/),
    ]);
  });

  test("a misspelt `.$` field is checked by name only, and the field it should have been is then missing", () => {
    const found = problems(
      variant((d) => {
        const p = d.States["Run process"].Parameters;
        p["ClusterID.$"] = p["ClusterId.$"];
        delete p["ClusterId.$"];
      }),
      sfnDefinitionParameters,
    );
    expect(found).toEqual([
      expect.stringMatching(/^Task "Run process" \(elasticmapreduce:addStep\) Parameters\.ClusterID\.\$: unknown field "ClusterID" \(nearest valid name: "ClusterId"\)/),
      'Task "Run process" (elasticmapreduce:addStep) Parameters: required field "ClusterId" is missing',
    ]);
  });

  test.each([
    ["Instances.UnhealthyNodeReplacement", (d: any): void => void (d.States.CreateCluster.Parameters.Instances.UnhealthyNodeReplacement = true), /setUnhealthyNodeReplacement/],
    [
      "VolumeSpecification.Throughput",
      (d: any): void => void (d.States.CreateCluster.Parameters.Instances.InstanceGroups[1].EbsConfiguration.EbsBlockDeviceConfigs[0].VolumeSpecification.Throughput = 125),
      /Parameters\.Instances\.InstanceGroups\[1\]\.EbsConfiguration\.EbsBlockDeviceConfigs\[0\]\.VolumeSpecification\.Throughput: .*baseline 125 MiB\/s/,
    ],
    ["ManagedScalingPolicy.ScalingStrategy", (d: any): void => void (d.States.CreateCluster.Parameters.ManagedScalingPolicy = { ComputeLimits: { UnitType: "Instances", MinimumCapacityUnits: 1, MaximumCapacityUnits: 2 }, ScalingStrategy: "ADVANCED" }), /aws-cdk\/pull\/34677/],
  ] as const)("refuses %s, a RunJobFlow field Step Functions' createCluster does not model, with the fallback", (field, mutate, fix) => {
    const found = problems(variant(mutate), sfnDefinitionParameters);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(new RegExp(`^Task "CreateCluster" \\(elasticmapreduce:createCluster\\) Parameters\\..*${field.split(".").pop()}: not modelled by Step Functions' createCluster`));
    expect(found[0]).toMatch(fix);
  });

  test("every row of the not-modelled table names a real RunJobFlow field (a typo would leave the row dead)", () => {
    const models = JSON.parse(readFileSync(VENDORED_PATH, "utf8")) as ApiModels;
    const resolve = (path: string): string | undefined =>
      path.split(".").reduce<string | undefined>((shapeName: string | undefined, segment: string): string | undefined => {
        const shape = shapeName ? models.shapes[shapeName] : undefined;
        if (shape?.type !== "structure") return undefined;
        const next: string | undefined = shape.members[segment.replace(/\[\]$/, "")];
        if (!segment.endsWith("[]") || !next) return next;
        const list = models.shapes[next];
        return list?.type === "list" ? list.member : undefined;
      }, models.operations["emr:RunJobFlow"]);
    expect(NOT_MODELLED_BY_SFN_CREATE_CLUSTER.length).toBeGreaterThan(0);
    expect(NOT_MODELLED_BY_SFN_CREATE_CLUSTER.filter((row) => resolve(row.path) === undefined)).toEqual([]);
  });

  test("every integration maps to a shape the vendored models hold", () => {
    const models = JSON.parse(readFileSync(VENDORED_PATH, "utf8")) as ApiModels;
    const missing = Object.entries(INTEGRATIONS).filter(([, shape]) => !shape || (!shape.startsWith("sfn:") && !(shape in models.shapes)));
    expect(Object.keys(INTEGRATIONS).length).toBeGreaterThan(5);
    expect(missing).toEqual([]);
  });
});

describe("Terraform references become dummies of the same shape", () => {
  test.each([
    ["aws_iam_role.iam_service-role_CBEF9EAD.arn", "arn:aws:iam::123456789012:role/iam-service-role-cbef9ead"],
    ["aws_subnet.network_private-0_A0649C48.id", "subnet-0123456789abcdef0"],
    ["aws_s3_bucket.storage_data_bucket_77B590E3.bucket", "storage-data-bucket-77b590e3"],
    ["aws_sns_topic.t.arn", "arn:aws:sns:us-east-1:123456789012:t"],
    ["data.aws_caller_identity.me.account_id", "123456789012"],
    ["join(\",\", var.x)", "dummy"],
  ])("${%s} → %s", (expression, expected) => expect(dummyFor(expression)).toBe(expected));

  test("an escaped literal stays the literal AWS receives", () => {
    expect(withDummyReferences('"s3://${aws_s3_bucket.b.bucket}/x $${emr.clusterId} %%{y}"')).toBe('"s3://b/x ${emr.clusterId} %{y}"');
  });
});

describe("the vendored API models", () => {
  const data = findBotocoreData();
  const vendored = JSON.parse(readFileSync(VENDORED_PATH, "utf8")) as ApiModels;

  (data ? test : test.skip)("match what policy/api-models/extract.ts takes from the installed botocore (exactly, for the same botocore version)", () => {
    const current = extractModels(data!);
    if (current.botocore === vendored.botocore) {
      expect(serialize(current)).toBe(readFileSync(VENDORED_PATH, "utf8"));
      return;
    }
    // A newer botocore may add fields and enum values (regenerate to accept them); it must not lose any we accept.
    const lost: string[] = [];
    for (const [name, shape] of Object.entries(vendored.shapes)) {
      const now = current.shapes[name];
      if (!now || now.type !== shape.type) lost.push(`${name}: ${shape.type} → ${now?.type}`);
      else if (shape.type === "structure" && now.type === "structure") lost.push(...Object.keys(shape.members).filter((m) => !(m in now.members)).map((m) => `${name}.${m}`));
      else if (shape.type === "string" && now.type === "string") lost.push(...(shape.enum ?? []).filter((e) => !(now.enum ?? [e]).includes(e)).map((e) => `${name} enum ${e}`));
    }
    expect(lost).toEqual([]);
  });

  test("hold the calls the definitions make, with their enums", () => {
    expect(Object.keys(vendored.shapes).length).toBeGreaterThan(50);
    expect(vendored.shapes["emr:ActionOnFailure"]).toEqual({ type: "string", enum: expect.arrayContaining(["CONTINUE", "TERMINATE_CLUSTER"]) });
  });
});
