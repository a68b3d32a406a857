// bootstrap: the environment's Terraform state bucket, made against moto (the real SDK), idempotent; and deploy's
// prerequisite check naming bootstrap when the bucket is missing.
import {
  CreateBucketCommand,
  GetBucketEncryptionCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  PutBucketPolicyCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { stateBucketPresence } from "../../scripts/lib/state-bucket";
import { runCaptured, tempRepo } from "../support/cli-harness";
import { useMoto } from "../support/moto-server";
import { RecordingRunner } from "../support/recording-runner";
import { fakeTerraform } from "../support/terraform-script";

const moto = useMoto();
// dev's backend: emr-platform-terraform-state in eu-west-1 (environments/dev.ts).
const BUCKET = "emr-platform-terraform-state";
const s3 = () => new S3Client({ region: "eu-west-1", forcePathStyle: true });

beforeEach(async () => {
  await moto().reset();
});

async function posture() {
  const client = s3();
  const [versioning, encryption, block, ownership, policy] = await Promise.all([
    client.send(new GetBucketVersioningCommand({ Bucket: BUCKET })),
    client.send(new GetBucketEncryptionCommand({ Bucket: BUCKET })),
    client.send(new GetPublicAccessBlockCommand({ Bucket: BUCKET })),
    client.send(new GetBucketOwnershipControlsCommand({ Bucket: BUCKET })),
    client.send(new GetBucketPolicyCommand({ Bucket: BUCKET })),
  ]);
  return {
    versioning: versioning.Status,
    encryption: encryption.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm,
    block: block.PublicAccessBlockConfiguration,
    ownership: ownership.OwnershipControls?.Rules?.[0]?.ObjectOwnership,
    statements: JSON.parse(policy.Policy!).Statement as { Sid?: string; Effect: string; Condition?: object }[],
  };
}

describe("bootstrap", () => {
  it("creates the missing state bucket with its whole posture, then a rerun changes nothing", async () => {
    const first = await runCaptured(["bootstrap", "dev"], tempRepo().root);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`  created  state bucket ${BUCKET} (eu-west-1)\n`);
    expect(first.stdout).toMatch(new RegExp(`state bucket ${BUCKET}: created; \\d setting\\(s\\) applied, \\d already in place\\. next: npm run deploy -- dev\\n$`));
    const state = await posture();
    expect(state).toEqual({
      versioning: "Enabled",
      encryption: "aws:kms",
      block: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      ownership: "BucketOwnerEnforced",
      statements: [expect.objectContaining({ Sid: "DenyInsecureTransport", Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } })],
    });

    const again = await runCaptured(["bootstrap", "dev"], tempRepo().root);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`  existed  state bucket ${BUCKET} (eu-west-1)\n`);
    expect(again.stdout).not.toContain("applied  ");
    expect(again.stdout).toContain(`state bucket ${BUCKET}: already existed; 0 setting(s) applied, 5 already in place.`);
    expect(await posture()).toEqual(state);
  });

  it("completes an existing bucket's posture and keeps its policy's other statements", async () => {
    await s3().send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
    const readOnly = { Sid: "ReadForAuditors", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "s3:GetObject", Resource: `arn:aws:s3:::${BUCKET}/*` };
    await s3().send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: JSON.stringify({ Version: "2012-10-17", Statement: [readOnly] }) }));
    const run = await runCaptured(["bootstrap", "dev"], tempRepo().root);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`  existed  state bucket ${BUCKET} (eu-west-1)\n`);
    expect(run.stdout).toContain("  applied  versioning: Enabled\n");
    expect(run.stdout).toContain("  applied  TLS-only policy: denies aws:SecureTransport=false\n");
    const state = await posture();
    expect(state.versioning).toBe("Enabled");
    expect(state.statements.map((s) => s.Sid)).toEqual(["ReadForAuditors", "DenyInsecureTransport"]);
  });

  it("has nothing to do for an environment with local state", async () => {
    const run = await runCaptured(["bootstrap", "local"], tempRepo().root);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('local keeps its Terraform state in a local file (stateBackend.type "local"): nothing to bootstrap\n');
  });
});

describe("deploy's prerequisites", () => {
  it("name bootstrap when the state bucket is missing, before synth or terraform init", async () => {
    const { root, terraformBin } = tempRepo();
    const runner = new RecordingRunner(fakeTerraform({ root, env: "dev", terraformBin }));
    const run = await runCaptured(["deploy", "dev", "--terraform-bin", terraformBin], root, { runner });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`error: the Terraform state bucket ${BUCKET} (eu-west-1) does not exist; fix: npm run emr -- bootstrap dev\n`);
    expect(runner.argvOf(terraformBin).map((a) => a.filter((x) => !x.startsWith("-chdir"))[0])).toEqual(["version"]);
  });

  it("pass once bootstrap made the bucket", async () => {
    await runCaptured(["bootstrap", "dev"], tempRepo().root);
    const { root, terraformBin } = tempRepo();
    const runner = new RecordingRunner(fakeTerraform({ root, env: "dev", terraformBin }));
    const run = await runCaptured(["deploy", "dev", "--terraform-bin", terraformBin, "--plan-only"], root, { runner });
    expect(run.stdout).toContain(`  state bucket ${BUCKET} (eu-west-1)\n`);
  });
});

describe("the state bucket's region", () => {
  it("bootstrap refuses a bucket in another region than stateBackend.region, changing nothing", async () => {
    // dev's backend says eu-west-1; the bucket of that name was made in us-west-2.
    await new S3Client({ region: "us-west-2", forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: "us-west-2" } }));
    const run = await runCaptured(["bootstrap", "dev"], tempRepo().root);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `error: the state bucket ${BUCKET} is in us-west-2, but stateBackend.region in environments/dev.ts says eu-west-1; nothing was changed. fix: region: "us-west-2" in stateBackend\n`,
    );
    expect(run.stdout).not.toContain("applied");
    await expect(s3().send(new GetBucketVersioningCommand({ Bucket: BUCKET }))).resolves.not.toHaveProperty("Status");
  });

  it("deploy's prerequisites refuse it too, before terraform init", async () => {
    await new S3Client({ region: "us-west-2", forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: "us-west-2" } }));
    const { root, terraformBin } = tempRepo();
    const runner = new RecordingRunner(fakeTerraform({ root, env: "dev", terraformBin }));
    const run = await runCaptured(["deploy", "dev", "--terraform-bin", terraformBin], root, { runner });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`error: the state bucket ${BUCKET} is in us-west-2, but stateBackend.region in environments/dev.ts says eu-west-1;`);
    expect(runner.argvOf(terraformBin).map((a) => a.filter((x) => !x.startsWith("-chdir"))[0])).toEqual(["version"]);
  });

  it.each([
    ["HeadBucket's BucketRegion", [{ BucketRegion: "eu-west-1" }], "eu-west-1"],
    ["the 301 S3 answers in the wrong region", [Object.assign(new Error("301"), { name: "301", $metadata: { httpStatusCode: 301 }, $response: { headers: { "x-amz-bucket-region": "eu-west-1" } } })], "eu-west-1"],
    ["GetBucketLocation when HeadBucket names none (EU is eu-west-1)", [{}, { LocationConstraint: "EU" }], "eu-west-1"],
    ["GetBucketLocation's empty constraint (us-east-1)", [{}, { LocationConstraint: "" }], "us-east-1"],
  ])("reads the region from %s", async (_label, answers, region) => {
    const queue = [...answers];
    const s3Api = {
      send: async () => {
        const next = queue.shift();
        if (next instanceof Error) throw next;
        return next;
      },
    } as unknown as S3Client;
    await expect(stateBucketPresence(s3Api, BUCKET, { region: "us-west-2", setting: "stateBackend.region" })).rejects.toThrow(
      `the state bucket ${BUCKET} is in ${region}, but stateBackend.region says us-west-2; nothing was changed. fix: region: "${region}" in stateBackend`,
    );
    await expect(stateBucketPresence({ send: async () => ({ BucketRegion: region }) } as unknown as S3Client, BUCKET, { region, setting: "x" })).resolves.toBe("exists");
  });
});
