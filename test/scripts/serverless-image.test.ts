// image build|push: the docker argv the CLI would run (recorded, never executed: docker is not on these machines),
// the registry login through ECR's GetAuthorizationToken (recorded response), and the no-docker message.
import type { ECRClient } from "@aws-sdk/client-ecr";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { ServerlessOutput } from "../../modules/serverless/target";
import { SERVERLESS_DOCKERFILE as JOBS_IMAGE_DOCKERFILE } from "../../contracts/serverless-image";
import { contentTag, DOCKER_MISSING, ecrPassword } from "../../scripts/lib/jobs-image";
import { runCaptured, tempRepo } from "../support/cli-harness";
import { outputJson, RecordingRunner, type RecordedCall } from "../support/recording-runner";

const REPOSITORY = "123456789012.dkr.ecr.us-east-1.amazonaws.com/emr-platform-local-jobs";
const ARM = { releaseLabel: "emr-7.12.0", architecture: "ARM64" } as const;

function output(architecture: "ARM64" | "X86_64" = "ARM64"): ServerlessOutput {
  return {
    applicationId: "00fapp0000000001",
    applicationArn: "arn:aws:emr-serverless:us-east-1:123456789012:/applications/00fapp0000000001",
    applicationName: "emr-platform-local",
    runtimeRoleArn: "arn:aws:iam::123456789012:role/emr-platform-local-serverless-job",
    releaseLabel: "emr-7.12.0",
    architecture,
    imageRepositoryUrl: REPOSITORY,
    imageUri: null,
    logUri: "s3://emr-local-logs/emr-serverless/",
  };
}

/** A repository with the image definition, and a PATH whose `docker` is a stand-in (the runner intercepts calls). */
function imageRepo(withDocker = true): { root: string; terraformBin: string; env: NodeJS.ProcessEnv } {
  const repo = tempRepo({ stacks: ["local"] });
  mkdirSync(path.dirname(path.join(repo.root, JOBS_IMAGE_DOCKERFILE)), { recursive: true });
  writeFileSync(path.join(repo.root, JOBS_IMAGE_DOCKERFILE), "FROM public.ecr.aws/emr-serverless/spark/emr-7.12.0:latest\n");
  const bin = path.join(repo.root, "fake-bin");
  mkdirSync(bin, { recursive: true });
  if (withDocker) {
    writeFileSync(path.join(bin, "docker"), "#!/bin/sh\nexit 99\n");
    chmodSync(path.join(bin, "docker"), 0o755);
  }
  return { ...repo, env: { ...process.env, PATH: bin } };
}

/** ECR GetAuthorizationToken as AWS answers it (recorded shape: base64 of AWS:<password>). */
const ecr = {
  send: async () => ({
    authorizationData: [{ authorizationToken: Buffer.from("AWS:s3cr3t-password").toString("base64"), proxyEndpoint: `https://${REPOSITORY.split("/")[0]}`, expiresAt: new Date() }],
  }),
} as unknown as ECRClient;

async function image(argv: string[], repo = imageRepo(), serverless = output(), answer: (call: RecordedCall) => { exitCode?: number; stderr?: string } | undefined = () => undefined) {
  const runner = new RecordingRunner((call) => (call.args.includes("output") ? { stdout: outputJson({ serverless: JSON.stringify(serverless) }) } : answer(call)));
  const run = await runCaptured([...argv, "--terraform-bin", repo.terraformBin], repo.root, { runner, env: repo.env, clients: { ecr } });
  return { ...run, docker: runner.calls.filter((c) => c.file === "docker"), root: repo.root };
}

describe("image build", () => {
  it("builds the Dockerfile for the application's architecture under the content tag", async () => {
    const run = await image(["image", "build", "local"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const tag = contentTag(run.root, ARM);
    expect(tag).toMatch(/^jobs-[0-9a-f]{16}$/);
    expect(run.docker.map((c) => c.args)).toEqual([
      [
        "build",
        "--platform",
        "linux/arm64",
        "--build-arg",
        "RELEASE_LABEL=emr-7.12.0",
        "--file",
        path.join(run.root, JOBS_IMAGE_DOCKERFILE),
        "--tag",
        `${REPOSITORY}:${tag}`,
        path.join(run.root, "spark-jobs"),
      ],
    ]);
  });

  it("builds for linux/amd64 on an X86_64 application, with --tag", async () => {
    const run = await image(["image", "build", "local", "--tag", "v1"], imageRepo(), output("X86_64"));
    expect(run.code).toBe(0);
    expect(run.docker[0].args.slice(0, 3)).toEqual(["build", "--platform", "linux/amd64"]);
    expect(run.docker[0].args).toContain(`${REPOSITORY}:v1`);
  });

  it("fails with one line when docker is not installed, running nothing", async () => {
    const run = await image(["image", "build", "local"], imageRepo(false));
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`error: ${DOCKER_MISSING}\n`);
    expect(run.stderr).toContain("docker is not installed (image build needs it); fix: install Docker or run this on a machine that has it");
    expect(run.docker).toEqual([]);
  });

  it("fails with one line when docker build fails", async () => {
    const run = await image(["image", "build", "local"], imageRepo(), output(), () => ({ exitCode: 1 }));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: docker build failed \(exit 1; its output is above\)/);
  });
});

describe("image push", () => {
  it("builds, logs in with ECR's password on stdin (never in argv), pushes, and prints the imageTag line", async () => {
    const run = await image(["image", "push", "local"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const tag = contentTag(run.root, ARM);
    const registry = REPOSITORY.split("/")[0];
    expect(run.docker.map((c) => c.args[0])).toEqual(["build", "login", "push"]);
    expect(run.docker[1].args).toEqual(["login", "--username", "AWS", "--password-stdin", registry]);
    expect(run.docker[1].options.input).toBe("s3cr3t-password");
    expect(run.docker.flatMap((c) => c.args).join(" ")).not.toContain("s3cr3t");
    expect(run.docker[2].args).toEqual(["push", `${REPOSITORY}:${tag}`]);
    expect(run.stdout).toContain(`  to run it: set serverless.imageTag: "${tag}" in environments/local.ts, then npm run deploy -- local`);
  });

  it("treats a tag the immutable repository already holds as pushed", async () => {
    const run = await image(["image", "push", "local"], imageRepo(), output(), (call) =>
      call.args[0] === "push" ? { exitCode: 1, stderr: "tag invalid: The image tag 'jobs-x' already exists in the 'emr-platform-local-jobs' repository and cannot be overwritten because the repository is immutable." } : undefined,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("is already in the repository (tags are immutable and content-addressed): nothing to push");
  });

  it("fails if EMR Serverless is not enabled", async () => {
    const repo = imageRepo();
    const runner = new RecordingRunner((call) => (call.args.includes("output") ? { stdout: outputJson({ serverless: "{}" }) } : undefined));
    const run = await runCaptured(["image", "push", "local", "--terraform-bin", repo.terraformBin], repo.root, { runner, env: repo.env });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("error: EMR Serverless is not enabled for local; fix: set serverless.enabled in environments/local.ts and deploy (npm run deploy -- local)\n");
  });

  it("--help names both subcommands", async () => {
    const run = await runCaptured(["image", "--help"], tempRepo().root);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/build \[options\] <env>/);
    expect(run.stdout).toMatch(/push \[options\] <env>/);
  });
});

describe("content tag and token", () => {
  it("changes with requirements.txt, the release and the architecture, and is stable otherwise", () => {
    const repo = imageRepo();
    const before = contentTag(repo.root, ARM);
    expect(contentTag(repo.root, ARM)).toBe(before);
    expect(contentTag(repo.root, { ...ARM, architecture: "X86_64" })).not.toBe(before);
    expect(contentTag(repo.root, { ...ARM, releaseLabel: "emr-7.11.0" })).not.toBe(before);
    writeFileSync(path.join(repo.root, "spark-jobs", "requirements.txt"), "numpy==2.0.0\n");
    expect(contentTag(repo.root, ARM)).not.toBe(before);
  });

  it("decodes ECR's AWS:<password> token and refuses a malformed one", () => {
    expect(ecrPassword(Buffer.from("AWS:a:b").toString("base64"))).toBe("a:b");
    expect(() => ecrPassword(Buffer.from("nocolon").toString("base64"))).toThrow(/not user:password/);
  });
});
