/** EMR Serverless (modules/serverless): the application, its network, job role, image repository and the output. */
import { Testing } from "cdktf";
import { environmentInput, loadEnvironment, parseEnvironment } from "../../environments";
import type { EnvironmentConfig } from "../../environments/schema";
import { STACK_OUTPUTS } from "../../contracts/stack-outputs";
import { EmrPlatformStack } from "../../modules/platform-stack";
import { documentStatements, nonEmpty, resources, type TerraformJson } from "./harness";

function synth(config: EnvironmentConfig): { json: TerraformJson; stack: EmrPlatformStack } {
  const stack = new EmrPlatformStack(Testing.app(), "emr-dev", config);
  Testing.fullSynth(stack); // throws when the policy guard annotated an error
  return { json: JSON.parse(Testing.synth(stack)) as TerraformJson, stack };
}

const only = (json: TerraformJson, type: string) => {
  const all = resources(json, type);
  expect(all).toHaveLength(1);
  return all[0][1];
};

const warm = parseEnvironment({
  ...environmentInput("dev"),
  serverless: {
    enabled: true,
    architecture: "X86_64",
    imageTag: "3f2a9c1e",
    maximumCapacity: { cpuVcpu: 32, memoryGb: 128, diskGb: 500 },
    initialCapacity: { driver: { count: 1, cpu: 2, memoryGb: 8 }, executor: { count: 2, cpu: 4, memoryGb: 16, diskGb: 40 } },
    scheduler: { maxConcurrentRuns: 3, queueTimeoutMinutes: 60 },
  },
});

describe("dev (serverless enabled, defaults)", () => {
  const { json, stack } = synth(loadEnvironment("dev", {}));
  const app = only(json, "aws_emrserverless_application");

  test("a Spark application on the environment's release, ARM64, bounded and self-stopping, with a job queue", () => {
    expect(app).toMatchObject({
      name: "emr-platform-dev-spark",
      type: "SPARK",
      release_label: "emr-7.12.0",
      architecture: "ARM64",
      maximum_capacity: { cpu: "64 vCPU", memory: "256 GB", disk: "1000 GB" },
      auto_start_configuration: { enabled: true },
      auto_stop_configuration: { enabled: true, idle_timeout_minutes: 15 },
      scheduler_configuration: { max_concurrent_runs: 10, queue_timeout_minutes: 360 },
    });
    expect(app.initial_capacity).toBeUndefined();
    expect(app.image_configuration).toBeUndefined(); // no imageTag: EMR's own image
  });

  test("runs in the private subnets only, behind a security group with no ingress and one egress rule", () => {
    const subnets: string[] = app.network_configuration.subnet_ids;
    const privateSubnets = resources(json, "aws_subnet").filter(([id]) => id.includes("private")).map(([id]) => `\${aws_subnet.${id}.id}`);
    expect(subnets).toEqual(nonEmpty(privateSubnets));
    const [sgId, sg] = resources(json, "aws_security_group").find(([, g]) => g.name === "emr-platform-dev-serverless")!;
    expect(app.network_configuration.security_group_ids).toEqual([`\${aws_security_group.${sgId}.id}`]);
    expect(sg.ingress).toBeUndefined();
    const refersToGroup = ([, rule]: [string, Record<string, any>]) => rule.security_group_id === `\${aws_security_group.${sgId}.id}`;
    expect(resources(json, "aws_vpc_security_group_ingress_rule").filter(refersToGroup)).toEqual([]);
    expect(resources(json, "aws_vpc_security_group_egress_rule").filter(refersToGroup).map(([, r]) => r.cidr_ipv4)).toEqual(["0.0.0.0/0"]);
  });

  test("job logs go to the logs bucket's emr-serverless/ prefix and to a log group, both under the platform key", () => {
    const key = "${aws_kms_key.storage_key_AB3BBE0B.arn}";
    expect(app.monitoring_configuration.s3_monitoring_configuration).toEqual({
      log_uri: "s3://${aws_s3_bucket.storage_logs_bucket_F30D43C9.bucket}/emr-serverless/",
      encryption_key_arn: key,
    });
    expect(app.monitoring_configuration.cloudwatch_logging_configuration).toMatchObject({ enabled: true, encryption_key_arn: key });
    const [, group] = resources(json, "aws_cloudwatch_log_group").find(([, g]) => g.name === "/aws/emr-serverless/emr-platform-dev-spark")!;
    expect(group).toMatchObject({ kms_key_id: key, retention_in_days: 14 });
  });

  test("the job role is assumable only by EMR Serverless for this account and exactly this application", () => {
    const [trust] = documentStatements(json, "runtime-role_trust");
    expect(trust.principals).toEqual([{ type: "Service", identifiers: ["emr-serverless.amazonaws.com"] }]);
    expect(trust.condition).toEqual([
      { test: "StringEquals", variable: "aws:SourceAccount", values: [expect.stringMatching(/^\$\{data\.aws_caller_identity\.account_caller_\w+\.account_id\}$/)] },
      { test: "ArnEquals", variable: "aws:SourceArn", values: ["${aws_emrserverless_application.emr-serverless_application_7BF58353.arn}"] },
    ]);
  });

  test("the job role reads jobs/, reads and writes the data prefixes, writes its logs, and names no S3 wildcard", () => {
    const statements = documentStatements(json, "runtime-role_policy-document");
    const resourcesOf = (sid: string) => statements.find((s) => s.sid === sid)!.resources as string[];
    expect(resourcesOf("DataObjects").map((r) => r.split("}/")[1])).toEqual(["raw/*", "processed/*", "rejected/*"]);
    expect(resourcesOf("ArtifactsObjects").map((r) => r.split("}/")[1])).toEqual(["jobs/*"]);
    expect(resourcesOf("JobLogsObjects").map((r) => r.split("}/")[1])).toEqual(["emr-serverless/*"]);
    expect(statements.find((s) => s.sid === "ArtifactsObjects")!.actions).not.toContain("s3:PutObject");
    // The catalog is read-only for jobs (modules/catalog): only the GlueCatalogRead statements name Glue.
    expect(statements.filter((s) => s.sid.startsWith("Glue")).map((s) => s.sid)).toEqual(["GlueCatalogRead", "GlueCatalogReadKey"]);
    const s3Resources = nonEmpty(statements.filter((s) => s.actions.some((a: string) => a.startsWith("s3:"))).flatMap((s) => s.resources));
    expect(s3Resources.filter((r: string) => r === "*" || r.startsWith("arn:aws:s3:::*"))).toEqual([]);
  });

  test("the image repository: immutable tags, scanned on push, our key, pulled only by EMR Serverless of this account", () => {
    expect(only(json, "aws_ecr_repository")).toMatchObject({
      name: "emr-platform-dev-spark-jobs",
      image_tag_mutability: "IMMUTABLE",
      image_scanning_configuration: { scan_on_push: true },
      encryption_configuration: [{ encryption_type: "KMS", kms_key: "${aws_kms_key.storage_key_AB3BBE0B.arn}" }],
    });
    const [pull] = documentStatements(json, "images_policy-document");
    expect(pull.principals).toEqual([{ type: "Service", identifiers: ["emr-serverless.amazonaws.com"] }]);
    expect(pull.actions).toEqual(["ecr:BatchGetImage", "ecr:DescribeImages", "ecr:GetDownloadUrlForLayer"]);
    expect(pull.condition.map((c: any) => c.variable)).toEqual(["aws:SourceAccount", "aws:SourceArn"]);
    // The application waits for the policy: EMR Serverless checks it can pull when the application is created.
    expect(app.depends_on).toEqual([expect.stringMatching(/^aws_ecr_repository_policy\./)]);
    const lifecycle = JSON.parse(only(json, "aws_ecr_lifecycle_policy").policy);
    expect(lifecycle.rules[0].selection).toMatchObject({ countType: "imageCountMoreThan", countNumber: 10 });
  });

  test("the serverless output is ServerlessOutput as JSON; the pipelines get the target", () => {
    const value = json.output![STACK_OUTPUTS.serverless].value as string;
    expect(value).toMatch(/^\$\{jsonencode\(\{/);
    for (const key of ["applicationId", "applicationArn", "applicationName", "runtimeRoleArn", "releaseLabel", "architecture", "imageRepositoryUrl", "imageUri", "logUri"]) {
      expect(value).toContain(`"${key}" = `);
    }
    expect(value).toContain('"imageUri" = null');
    expect(value).toContain('"logUri" = "s3://${aws_s3_bucket.storage_logs_bucket_F30D43C9.bucket}/emr-serverless/"');
    expect(stack.serverless!.target.hasJobsImage).toBe(false);
  });
});

describe("an application with an image, pre-warmed workers and its own queue", () => {
  const { json, stack } = synth(warm);
  const app = only(json, "aws_emrserverless_application");

  test("runs the jobs' image from the stack's repository", () => {
    expect(app.image_configuration).toEqual({ image_uri: "${aws_ecr_repository.emr-serverless_images_repository_7845ABFD.repository_url}:3f2a9c1e" });
    expect(json.output![STACK_OUTPUTS.serverless].value).toContain('"imageUri" = "${aws_ecr_repository.emr-serverless_images_repository_7845ABFD.repository_url}:3f2a9c1e"');
    expect(stack.serverless!.target.hasJobsImage).toBe(true);
  });

  test("pre-warms a driver and executors in CreateApplication's units, with the configured queue and architecture", () => {
    expect(app.initial_capacity).toEqual([
      { initial_capacity_type: "Driver", initial_capacity_config: { worker_count: 1, worker_configuration: { cpu: "2 vCPU", memory: "8 GB", disk: "20 GB" } } },
      { initial_capacity_type: "Executor", initial_capacity_config: { worker_count: 2, worker_configuration: { cpu: "4 vCPU", memory: "16 GB", disk: "40 GB" } } },
    ]);
    expect(app).toMatchObject({ architecture: "X86_64", scheduler_configuration: { max_concurrent_runs: 3, queue_timeout_minutes: 60 } });
  });
});

describe("staging (serverless off)", () => {
  const { json, stack } = synth(loadEnvironment("staging", {}));

  test("creates none of it, and the output is {}", () => {
    for (const type of ["aws_emrserverless_application", "aws_ecr_repository", "aws_ecr_repository_policy", "aws_ecr_lifecycle_policy"]) {
      expect(resources(json, type)).toEqual([]);
    }
    expect(resources(json, "aws_iam_role").filter(([, r]) => String(r.name).endsWith("-serverless-job"))).toEqual([]);
    expect(resources(json, "aws_security_group").filter(([, g]) => String(g.name).endsWith("-serverless"))).toEqual([]);
    expect(json.output![STACK_OUTPUTS.serverless].value).toBe("{}");
    expect(stack.serverless).toBeUndefined();
  });
});
