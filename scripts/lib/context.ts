/**
 * What every command receives: the validated environment, the operator's output, AWS clients, Terraform, and the
 * stack's outputs with the EMR API fallback. `CliDeps` is everything that touches the outside world, so tests swap
 * in moto's endpoint, a recording process runner or recorded EMR responses.
 */
import type { Cluster } from "@aws-sdk/client-emr";
import path from "node:path";
import type { EnvironmentConfig } from "../../environments";
import { loadEnvironmentMemoized } from "../../environments/validation-memo";
import { PREFIXES } from "../../contracts/stack-outputs";
import { type AwsClients, createAwsClients } from "./aws-clients";
import { clusterName, describeCluster, ENVIRONMENT_TAG, findActiveCluster } from "./cluster";
import { CliError } from "./errors";
import { Reporter, type TextSink } from "./output";
import type { PollOptions } from "./poll";
import type { ProcessRunner } from "./process-runner";
import type { CatalogOutput } from "../../modules/catalog/target";
import type { ServerlessOutput } from "../../modules/serverless/target";
import type { StreamingOutput } from "../../modules/streaming/target";
import type * as CatalogOutputs from "./catalog-outputs";
import type * as ServerlessOutputs from "./serverless-outputs";
import type * as StreamingOutputs from "./streaming-outputs";
import { type OutputsResult, readStackOutputs } from "./stack-outputs";
import { resolveTerraformBinary, Terraform } from "./terraform";

import type { Timing } from "./timing";
import type { LocalSpark } from "./local-pipeline/spark";
export { DEFAULT_TIMING, type Timing } from "./timing";

// Loaded by the commands that read these outputs, not by every command: each parses with zod, which loads with them.
/* eslint-disable @typescript-eslint/no-require-imports */
const catalogOutputs = (): typeof CatalogOutputs => require("./catalog-outputs");
const serverlessOutputs = (): typeof ServerlessOutputs => require("./serverless-outputs");
const streamingOutputs = (): typeof StreamingOutputs => require("./streaming-outputs");
/* eslint-enable @typescript-eslint/no-require-imports */

export interface CliDeps {
  env: NodeJS.ProcessEnv;
  stdout: TextSink;
  stderr: TextSink;
  runner: ProcessRunner;
  repoRoot: string;
  /** Asks a question on the terminal; undefined when stdin is not interactive. */
  prompt?: (question: string) => Promise<string>;
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
  /** Replace individual AWS clients (tests with recorded responses). */
  clients?: Partial<AwsClients>;
  /**
   * The Spark `pipeline run --local` runs its steps on instead of starting its own worker (tests that run many local
   * pipelines share one session: each worker is a JVM start and a cold first job, ~15–30 s).
   */
  localSpark?: LocalSpark;
  timing: Timing;
  runId: () => string;
  nodeVersion: string;
  now: () => number;
}

/** Options every environment command accepts. */
export interface CommonOptions {
  clusterId?: string;
  /** Act on a --cluster-id cluster tagged for another environment (destroy: also lift termination protection). */
  force?: boolean;
  terraformBin?: string;
  artifactsBucket?: string;
  dataBucket?: string;
  logsBucket?: string;
  jobsDir?: string;
}

export type BucketKind = "artifacts" | "data" | "logs";

export class CommandContext {
  readonly config: EnvironmentConfig;
  readonly out: Reporter;
  private awsClients: AwsClients | undefined;
  private outputsCache: Promise<OutputsResult> | undefined;

  constructor(
    environment: string,
    readonly options: CommonOptions,
    readonly deps: CliDeps,
  ) {
    this.config = loadEnvironmentMemoized(environment, deps.env);
    this.out = new Reporter(deps.stdout, deps.stderr, { interactive: Boolean(deps.stdout.isTTY) && !deps.env.CI, now: deps.now });
  }

  get name(): string {
    return this.config.name;
  }

  get clients(): AwsClients {
    if (!this.awsClients) {
      const injected = this.deps.clients ?? {};
      // Object.assign, not a spread: a spread would build every client (createAwsClients builds each on first use).
      this.awsClients = Object.assign(createAwsClients(this.config, this.deps.env, this.deps.timing.requestTimeoutMs), injected);
    }
    return this.awsClients;
  }

  /** Terraform for this environment's stack; throws the install hint when no binary is found. */
  terraform(): Terraform {
    const bin = resolveTerraformBinary(this.options.terraformBin, this.deps.env);
    return new Terraform({ runner: this.deps.runner, bin, repoRoot: this.deps.repoRoot, environment: this.name, color: Boolean(this.deps.stdout.isTTY) });
  }

  /** The stack's outputs, read once per command (call `refreshOutputs` after an apply). */
  outputs(): Promise<OutputsResult> {
    this.outputsCache ??= (async () => {
      let terraform: Terraform | undefined;
      let reason: string | undefined;
      try {
        terraform = this.terraform();
      } catch (err) {
        reason = err instanceof CliError ? "no terraform/tofu binary to read the state with" : String(err);
      }
      return readStackOutputs(terraform, reason);
    })();
    return this.outputsCache;
  }

  refreshOutputs(): void {
    this.outputsCache = undefined;
  }

  /** --cluster-id, else the stack's cluster_id output, else the active cluster named <project>-<env>. */
  async clusterId(): Promise<{ clusterId: string; via: string; cluster?: Cluster }> {
    if (this.options.clusterId !== undefined) return this.explicitCluster(this.options.clusterId);
    const { outputs, unavailable } = await this.outputs();
    if (outputs.clusterId) return { clusterId: outputs.clusterId, via: "terraform outputs" };
    const name = clusterName(this.config.project, this.name);
    const cluster = await findActiveCluster(this.clients.emr, name, this.name, this.config.project);
    if (!cluster?.Id) {
      throw new CliError(
        `no cluster found for ${this.name}: ${unavailable ?? "the outputs name no cluster"}, and no active cluster named ${name} ` +
          `(tag Environment=${this.name}) in ${this.config.region}; fix: npm run deploy -- ${this.name}, or pass --cluster-id`,
      );
    }
    return { clusterId: cluster.Id, via: `EMR API (${unavailable ?? "no cluster_id output"})`, cluster };
  }

  /** A --cluster-id cluster, refused when its Environment tag names another environment (unless --force). */
  private async explicitCluster(clusterId: string): Promise<{ clusterId: string; via: string; cluster: Cluster }> {
    const cluster = await describeCluster(this.clients.emr, clusterId);
    const tagged = cluster.Tags?.find((t) => t.Key === ENVIRONMENT_TAG)?.Value;
    if (tagged !== this.name && !this.options.force) {
      throw new CliError(
        `cluster ${clusterId} is tagged ${tagged === undefined ? `with no ${ENVIRONMENT_TAG}` : `${ENVIRONMENT_TAG}=${tagged}`}, not ${this.name}; ` +
          `nothing was done. fix: name ${tagged && tagged !== this.name ? tagged : "its environment"} instead of ${this.name}, or pass --force to act on it anyway`,
      );
    }
    return { clusterId, via: "--cluster-id", cluster };
  }

  /** The environment's EMR Serverless application from the `serverless` output; one line when it is not enabled. */
  async serverless(): Promise<ServerlessOutput> {
    const { outputs, unavailable } = await this.outputs();
    return serverlessOutputs().serverlessFromOutputs(this.name, this.config.serverless.enabled, outputs, unavailable);
  }

  /** The environment's ticks stream and the stream job's S3 locations from the `streaming` output; one line when off. */
  async streaming(): Promise<StreamingOutput> {
    const { outputs, unavailable } = await this.outputs();
    return streamingOutputs().streamingFromOutputs(this.name, this.config.streaming.enabled, outputs, unavailable);
  }

  /** The environment's Glue database and Athena workgroup from the `catalog` output; one line when it is missing. */
  async catalog(): Promise<CatalogOutput> {
    const { outputs, unavailable } = await this.outputs();
    return catalogOutputs().catalogFromOutputs(this.name, outputs, unavailable);
  }

  /** A bucket from --<kind>-bucket or the outputs; never guessed. */
  async bucket(kind: BucketKind): Promise<string> {
    const flag = { artifacts: this.options.artifactsBucket, data: this.options.dataBucket, logs: this.options.logsBucket }[kind];
    if (flag) return flag;
    const { outputs, unavailable } = await this.outputs();
    const value = { artifacts: outputs.artifactsBucket, data: outputs.dataBucket, logs: outputs.logsBucket }[kind];
    if (value) return value;
    throw new CliError(
      `the ${kind} bucket of ${this.name} is unknown: ${unavailable ?? `the outputs have no ${kind}_bucket`}; fix: deploy first, or pass --${kind}-bucket <name>`,
    );
  }

  async prefix(kind: "jobs" | "raw" | "processed"): Promise<string> {
    const { outputs } = await this.outputs();
    const fromOutputs = { jobs: outputs.jobsPrefix, raw: outputs.rawPrefix, processed: outputs.processedPrefix }[kind];
    return fromOutputs ?? PREFIXES[kind];
  }

  /**
   * Where step logs are when the cluster does not say (no LogUri): --logs-bucket with EMR's prefix, else the stack's
   * log_uri output.
   */
  async fallbackLogUri(): Promise<string | undefined> {
    if (this.options.logsBucket) return `s3://${this.options.logsBucket}/${PREFIXES.emrLogs}`;
    return (await this.outputs()).outputs.logUri;
  }

  get jobsDir(): string {
    return path.resolve(this.deps.repoRoot, this.options.jobsDir ?? "spark-jobs");
  }

  poll(timeoutMs: number): Omit<PollOptions, "interruptMessage"> {
    return {
      timeoutMs,
      initialDelayMs: this.deps.timing.pollInitialMs,
      maxDelayMs: this.deps.timing.pollMaxMs,
      signal: this.deps.signal,
      now: this.deps.now,
    };
  }

  /** What Ctrl-C and timeouts tell the operator. */
  get resumeHint(): string {
    return `Check it with: npm run emr -- info ${this.name}; resume with: npm run deploy -- ${this.name} (safe to rerun).`;
  }
}
