/**
 * `image build|push <env>`: builds the jobs' EMR Serverless image (Python 3.11 + the jobs' requirements) for the
 * application's architecture, and pushes it to the stack's ECR repository under a content-addressed tag. Prints the
 * `serverless.imageTag` line that makes the application run it.
 */
import { GetAuthorizationTokenCommand } from "@aws-sdk/client-ecr";
import { Command } from "commander";
import { SERVERLESS_DOCKERFILE } from "../../contracts/serverless-image";
import { ENVIRONMENT_NAMES } from "../../environments/names";
import type { CommandRunner } from "../lib/cli-args";
import type { CommandContext } from "../lib/context";
import { CliError } from "../lib/errors";
import {
  alreadyPushed,
  buildArgv,
  contentTag,
  DOCKER_MISSING,
  dockerPlatform,
  ecrPassword,
  type ImageBase,
  loginArgv,
  onPath,
  pushArgv,
  registryOf,
} from "../lib/jobs-image";

interface ImageOptions {
  tag?: string;
}

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** The image reference to build, after the checks that need no docker daemon and no build. */
interface ImageTarget {
  ref: string;
  tag: string;
  base: ImageBase;
  repositoryUrl: string;
}

async function target(ctx: CommandContext, options: ImageOptions): Promise<ImageTarget> {
  if (options.tag !== undefined && !TAG.test(options.tag)) throw new CliError(`--tag "${options.tag}" is not an image tag; fix: letters, digits, _ . - (up to 128), or leave it out for the content tag`);
  const output = await ctx.serverless();
  if (!onPath("docker", ctx.deps.env)) throw new CliError(DOCKER_MISSING);
  const base = { releaseLabel: output.releaseLabel, architecture: output.architecture };
  const tag = options.tag ?? contentTag(ctx.deps.repoRoot, base);
  return { ref: `${output.imageRepositoryUrl}:${tag}`, tag, base, repositoryUrl: output.imageRepositoryUrl };
}

async function docker(ctx: CommandContext, args: string[], input?: string): Promise<{ stderr: string; exitCode: number }> {
  const result = await ctx.deps.runner.run("docker", args, { cwd: ctx.deps.repoRoot, stream: input === undefined, ...(input !== undefined ? { input } : {}) });
  return { stderr: result.stderr, exitCode: result.exitCode };
}

async function build(ctx: CommandContext, image: ImageTarget): Promise<void> {
  ctx.out.line(`  docker build ${dockerPlatform(image.base.architecture)} ${image.base.releaseLabel} → ${image.ref}`);
  const { exitCode } = await docker(ctx, buildArgv(ctx.deps.repoRoot, image.base, image.ref));
  if (exitCode !== 0) throw new CliError(`docker build failed (exit ${exitCode}; its output is above); fix: the error it printed (is the docker daemon running?)`);
}

const imageTagLine = (ctx: CommandContext, tag: string) => `  to run it: set serverless.imageTag: "${tag}" in environments/${ctx.name}.ts, then npm run deploy -- ${ctx.name}`;

export async function imageBuildCommand(ctx: CommandContext, options: ImageOptions): Promise<number> {
  const image = await target(ctx, options);
  await build(ctx, image);
  ctx.out.line(`  built ${image.ref}; push it with: npm run emr -- image push ${ctx.name}${options.tag ? ` --tag ${options.tag}` : ""}`);
  return 0;
}

export async function imagePushCommand(ctx: CommandContext, options: ImageOptions): Promise<number> {
  const image = await target(ctx, options);
  await build(ctx, image);
  // The SDK's equivalent of `aws ecr get-login-password | docker login --password-stdin` (ECR GetAuthorizationToken).
  const { authorizationData } = await ctx.clients.ecr.send(new GetAuthorizationTokenCommand({}));
  const token = authorizationData?.[0]?.authorizationToken;
  if (!token) throw new CliError("ECR returned no authorization token; fix: check the credentials allow ecr:GetAuthorizationToken");
  const registry = registryOf(image.repositoryUrl);
  const login = await docker(ctx, loginArgv(registry), ecrPassword(token));
  if (login.exitCode !== 0) throw new CliError(`docker login to ${registry} failed (exit ${login.exitCode}): ${login.stderr.trim().split("\n")[0] ?? ""}`);
  ctx.out.line(`  docker push ${image.ref}`);
  const push = await docker(ctx, pushArgv(image.ref));
  if (push.exitCode !== 0) {
    if (!alreadyPushed(push.stderr)) throw new CliError(`docker push ${image.ref} failed (exit ${push.exitCode}; its output is above); fix: the error it printed`);
    ctx.out.line(`  ${image.tag} is already in the repository (tags are immutable and content-addressed): nothing to push`);
  } else ctx.out.line(`  pushed ${image.ref}`);
  ctx.out.line(imageTagLine(ctx, image.tag));
  return 0;
}

export function defineImage(run: CommandRunner): Command {
  const image = new Command("image").description("the jobs' EMR Serverless image (Python 3.11 + the jobs' requirements): build, push");
  const sub = (name: string, description: string) =>
    image
      .command(name)
      .description(description)
      .argument("<env>", `environment: ${ENVIRONMENT_NAMES.join(", ")}`)
      .option("--tag <tag>", "image tag (default: jobs-<hash of the Dockerfile, requirements.txt, release and architecture>; the repository's tags are immutable)")
      .option("--terraform-bin <path>", "terraform or tofu binary, to read the stack's outputs (overrides TERRAFORM_BIN)");
  sub("build", `docker build ${SERVERLESS_DOCKERFILE} for the application's architecture and release`).action(run((ctx, options: ImageOptions) => imageBuildCommand(ctx, options)));
  sub("push", "build (cached), log docker in to the stack's ECR repository, push; prints the serverless.imageTag line").action(
    run((ctx, options: ImageOptions) => imagePushCommand(ctx, options)),
  );
  return image;
}
