/**
 * The jobs' EMR Serverless image (spark-jobs/serverless/Dockerfile: EMR's Spark image of our release plus Python 3.11
 * and the jobs' pinned requirements): its content-addressed tag, and the docker argv that builds and pushes it.
 * Pure functions, so the argv is tested without docker (which this project's machines do not have).
 */
import { createHash } from "node:crypto";
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { RELEASE_LABEL_BUILD_ARG, SERVERLESS_DOCKERFILE, SERVERLESS_IMAGE_CONTEXT } from "../../contracts/serverless-image";
import { CliError } from "./errors";

/** What the image's content is: a change to either makes a new tag (the ECR repository's tags are immutable). */
export const JOBS_IMAGE_INPUTS = [SERVERLESS_DOCKERFILE, `${SERVERLESS_IMAGE_CONTEXT}/requirements.txt`] as const;

export const DOCKER_MISSING = "docker is not installed (image build needs it); fix: install Docker or run this on a machine that has it";

/** What the image is built from besides its files: the base image (release) and the platform (architecture). */
export interface ImageBase {
  releaseLabel: string;
  architecture: "ARM64" | "X86_64";
}

/**
 * `jobs-<16 hex>`: the sha256 of the Dockerfile, the requirements, the release and the architecture, so the same
 * content always gets the same tag and an arm64 build never collides with an amd64 one in the immutable repository.
 */
export function contentTag(repoRoot: string, base: ImageBase): string {
  const hash = createHash("sha256");
  for (const rel of JOBS_IMAGE_INPUTS) {
    const file = path.join(repoRoot, rel);
    if (!existsSync(file)) throw new CliError(`${rel} not found; fix: check out the repository's ${rel} (the jobs' image definition)`);
    // The name too, so moving bytes between the two files changes the tag.
    hash.update(`${rel}\0`).update(readFileSync(file)).update("\0");
  }
  hash.update(`${base.releaseLabel}\0${base.architecture}`);
  return `jobs-${hash.digest("hex").slice(0, 16)}`;
}

/** EMR Serverless's architecture → docker's platform: the image must match the application ("Customizing an EMR
 * Serverless image": build for the application's architecture). */
export function dockerPlatform(architecture: "ARM64" | "X86_64"): string {
  return architecture === "ARM64" ? "linux/arm64" : "linux/amd64";
}

/** The Dockerfile's base is EMR's image of the application's release (its RELEASE_LABEL build argument). */
export function buildArgv(repoRoot: string, base: ImageBase, imageRef: string): string[] {
  return [
    "build",
    "--platform",
    dockerPlatform(base.architecture),
    "--build-arg",
    `${RELEASE_LABEL_BUILD_ARG}=${base.releaseLabel}`,
    "--file",
    path.join(repoRoot, SERVERLESS_DOCKERFILE),
    "--tag",
    imageRef,
    path.join(repoRoot, SERVERLESS_IMAGE_CONTEXT),
  ];
}

/** `docker login` reads the password from stdin (--password-stdin), never from argv. */
export function loginArgv(registry: string): string[] {
  return ["login", "--username", "AWS", "--password-stdin", registry];
}

export function pushArgv(imageRef: string): string[] {
  return ["push", imageRef];
}

/** The registry host of a repository URL (`<account>.dkr.ecr.<region>.amazonaws.com/<name>`). */
export function registryOf(repositoryUrl: string): string {
  return repositoryUrl.split("/")[0];
}

/** ECR's GetAuthorizationToken token is base64 of `AWS:<password>` (ECR API reference, AuthorizationData). */
export function ecrPassword(authorizationToken: string): string {
  const decoded = Buffer.from(authorizationToken, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) throw new CliError("ECR returned an authorization token that is not user:password; fix: rerun (the token may be corrupt)");
  return decoded.slice(colon + 1);
}

/** Whether `command` is an executable file on PATH (the runner would only say "not found" after the fact). */
export function onPath(command: string, env: NodeJS.ProcessEnv): boolean {
  for (const dir of (env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    try {
      accessSync(path.join(dir, command), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

/** ECR refuses an existing tag in an immutable repository: with a content-addressed tag that means "already pushed". */
export function alreadyPushed(stderr: string): boolean {
  return /tag invalid|already exists|immutable/i.test(stderr);
}
