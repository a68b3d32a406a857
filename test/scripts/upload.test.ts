// `upload` against moto's S3: content-addressed keys, skip when unchanged, bounded parallelism, multipart.
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { uploadArtifacts } from "../../scripts/lib/artifacts";
import { makeArtifact, packageJobs, sha256 } from "../../scripts/lib/job-bundle";
import { runCaptured, tempRepo } from "../support/cli-harness";
import { createBuckets } from "../support/emr-fixture";
import { useMoto } from "../support/moto-server";

const moto = useMoto();
const s3 = () => new S3Client({ region: "us-east-1", forcePathStyle: true });
const BUCKET = "emr-local-artifacts";

async function keys(bucket = BUCKET): Promise<string[]> {
  const listed = await s3().send(new ListObjectsV2Command({ Bucket: bucket }));
  return (listed.Contents ?? []).map((o) => o.Key!).sort();
}

/** The code manifest scheduled pipeline executions read (scripts/lib/code-manifest.ts). */
async function manifest(): Promise<{ pyFiles: string; requirements: string }> {
  const object = await s3().send(new GetObjectCommand({ Bucket: BUCKET, Key: "jobs/pipeline-code.json" }));
  return JSON.parse(await object.Body!.transformToString());
}

beforeEach(async () => {
  await moto().reset();
  await createBuckets(s3(), [BUCKET]);
});

describe("upload command", () => {
  it("uploads every artifact on the first run and none on the second", async () => {
    const { root } = tempRepo();
    const first = await runCaptured(["upload", "local", "--artifacts-bucket", BUCKET], root);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/ {2}5 uploaded \([\d.]+ KiB\), 0 unchanged\n {2}scheduled pipeline runs keep their code \(deploy records it; --for-schedules records this upload\)\n$/);

    const bundle = await packageJobs(path.join(root, "spark-jobs"), "jobs/");
    // Without --for-schedules the schedules' code manifest is not written.
    expect(await keys()).toEqual(bundle.artifacts.map((a) => a.key).sort());
    const head = await s3().send(new HeadObjectCommand({ Bucket: BUCKET, Key: bundle.pyFiles.key }));
    expect(head.Metadata).toEqual({ sha256: bundle.pyFiles.sha256 });
    expect(head.ContentType).toBe("application/zip");
    const entry = await s3().send(new GetObjectCommand({ Bucket: BUCKET, Key: bundle.entrypoints.smoke_test.key }));
    expect(await entry.Body!.transformToString()).toBe("from emr_jobs.jobs.smoke_test import main\nmain()\n");

    const second = await runCaptured(["upload", "local", "--artifacts-bucket", BUCKET], root);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/ {2}0 uploaded \(0\.0 KiB\), 5 unchanged\n/);
    expect(second.stdout).not.toMatch(/^ {2}uploaded /m);
  });

  it("uploads only the artifact whose content changed, under a new key", async () => {
    const { root } = tempRepo();
    await runCaptured(["upload", "local", "--artifacts-bucket", BUCKET, "--for-schedules"], root);
    const before = await manifest();
    writeFileSync(path.join(root, "spark-jobs", "requirements.txt"), "numpy==2.0.0\n");
    const plain = await runCaptured(["upload", "local", "--artifacts-bucket", BUCKET], root);
    expect(plain.stdout).toMatch(/ {2}1 uploaded .*, 4 unchanged\n/);
    // A plain upload leaves the schedules' code as it was.
    expect(await manifest()).toEqual(before);
    const run = await runCaptured(["upload", "local", "--artifacts-bucket", BUCKET, "--for-schedules"], root);
    expect(run.stdout).toContain("  scheduled pipeline runs now use this code: s3://emr-local-artifacts/jobs/pipeline-code.json\n");
    expect(plain.stdout).toMatch(new RegExp(`^  uploaded  s3://${BUCKET}/jobs/[0-9a-f]{16}/requirements\\.txt`, "m"));
    // With --for-schedules, scheduled pipeline runs pick up the new requirements through the manifest.
    const bundle = await packageJobs(path.join(root, "spark-jobs"), "jobs/");
    expect((await manifest()).requirements).toBe(`s3://${BUCKET}/${bundle.requirements.key}`);
    // The old key stays: steps already submitted with it keep working.
    expect((await keys()).filter((k) => k.endsWith("requirements.txt"))).toHaveLength(2);
  });

  it("re-uploads an object whose metadata does not match its key's content", async () => {
    const artifact = makeArtifact("jobs/", "a.py", Buffer.from("print(1)\n"), "text/x-python");
    await s3().send(new PutObjectCommand({ Bucket: BUCKET, Key: artifact.key, Body: "truncated" }));
    const summary = await uploadArtifacts(s3(), [artifact], { bucket: BUCKET });
    expect(summary.uploaded).toBe(1);
  });

  it("uploads large files in parts", async () => {
    const big = Buffer.alloc(11 * 1024 * 1024, 7);
    const artifact = makeArtifact("jobs/", "big.bin", big, "application/octet-stream");
    const summary = await uploadArtifacts(s3(), [artifact], { bucket: BUCKET, partSizeBytes: 5 * 1024 * 1024 });
    expect(summary).toMatchObject({ uploaded: 1, skipped: 0, bytesUploaded: big.length });
    const head = await s3().send(new HeadObjectCommand({ Bucket: BUCKET, Key: artifact.key }));
    // A multipart ETag is "<md5 of part md5s>-<part count>".
    expect(head.ETag).toMatch(/-3"$/);
    expect(head.ContentLength).toBe(big.length);
    expect(head.Metadata).toEqual({ sha256: sha256(big) });
    expect((await uploadArtifacts(s3(), [artifact], { bucket: BUCKET })).skipped).toBe(1);
  });

  it("runs at most --concurrency uploads at once", async () => {
    const artifacts = Array.from({ length: 9 }, (_, i) => makeArtifact("jobs/", `f${i}.py`, Buffer.from(`x = ${i}\n`), "text/x-python"));
    let inFlight = 0;
    let peak = 0;
    const client = s3();
    client.middlewareStack.add(
      (next) => async (args) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        try {
          return await next(args);
        } finally {
          inFlight--;
        }
      },
      { step: "initialize", name: "countInFlight" },
    );
    const summary = await uploadArtifacts(client, artifacts, { bucket: BUCKET, concurrency: 2 });
    expect(summary.uploaded).toBe(9);
    expect(peak).toBeLessThanOrEqual(2);
    expect(peak).toBe(2);
  });

  it("fails if the artifacts bucket is unknown (no outputs, no flag)", async () => {
    const run = await runCaptured(["upload", "local"], tempRepo().root);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      "error: the artifacts bucket of local is unknown: the stack is not synthesized (no cdktf.out/stacks/emr-local/cdk.tf.json); fix: deploy first, or pass --artifacts-bucket <name>\n",
    );
  });

  it("fails if the bucket does not exist", async () => {
    const run = await runCaptured(["upload", "local", "--artifacts-bucket", "no-such-bucket"], tempRepo().root);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("error: bucket no-such-bucket does not exist; fix: check --artifacts-bucket/--data-bucket or the stack's outputs\n");
  });

  it("fails if the jobs directory is missing", async () => {
    const run = await runCaptured(["upload", "local", "--artifacts-bucket", BUCKET, "--jobs-dir", "nowhere"], tempRepo().root);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: the entry scripts directory not found at .*\/nowhere\/entrypoints; fix: check --jobs-dir/);
  });

  it("fails if --part-size is not a number", async () => {
    const run = await runCaptured(["upload", "local", "--part-size", "big"], tempRepo().root);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/option '--part-size <MiB>' argument 'big' is invalid\. must be a whole number of at least 5/);
  });
});

describe("upload --help", () => {
  it("says what --for-schedules records, and that a plain upload leaves the schedules' code alone", async () => {
    const run = await runCaptured(["upload", "--help"], tempRepo().root);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/--for-schedules +also record this upload in jobs\/pipeline-code\.json/);
    expect(run.stdout).toContain("Without --for-schedules, scheduled pipeline runs keep the code `deploy` (or an upload --for-schedules) recorded;");
  });
});
