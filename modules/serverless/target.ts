/**
 * What the rest of the stack and the operator CLI need from the EMR Serverless application: the contract between
 * modules/serverless (which creates it), modules/pipeline (whose state machines start job runs on it) and the CLI
 * (which reads ServerlessOutput from the `serverless` stack output).
 */

/** The application as the pipelines see it: Terraform references (tokens) at synth time. */
export interface ServerlessTarget {
  readonly applicationId: string;
  readonly applicationArn: string;
  /** The job runtime role every job run is started with (`executionRoleArn`); callers need PassRole on it. */
  readonly runtimeRoleArn: string;
  /** Whether the application runs the jobs' own image (Python 3.11 + pandas) or EMR's (Python 3.9, no pandas). */
  readonly hasJobsImage: boolean;
}

/** The `serverless` stack output, JSON-encoded; `{}` when the environment does not enable EMR Serverless. */
export interface ServerlessOutput {
  readonly applicationId: string;
  readonly applicationArn: string;
  readonly applicationName: string;
  readonly runtimeRoleArn: string;
  readonly releaseLabel: string;
  readonly architecture: "ARM64" | "X86_64";
  /** ECR repository URL (`<account>.dkr.ecr.<region>.amazonaws.com/<name>`) the CLI pushes the jobs' image to. */
  readonly imageRepositoryUrl: string;
  /** The image the application runs (`<repository>:<tag>`), or null: EMR's own image, without pandas. */
  readonly imageUri: string | null;
  /** `s3://<logs bucket>/<prefix>`: where job runs' driver and executor logs land (monitoring configuration). */
  readonly logUri: string;
}
