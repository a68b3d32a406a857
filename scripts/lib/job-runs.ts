/**
 * EMR Serverless job runs: the StartJobRun request (the same entry script, `--py-files` zip and arguments a cluster
 * step gets), waiting for a run, listing recent ones, and where a run's driver logs land. States are classified by
 * pure functions because moto's runs succeed at once; FAILED and CANCELLED are tested on recorded responses.
 */
import {
  GetJobRunCommand,
  type JobRun,
  type JobRunState,
  type JobRunSummary,
  ListJobRunsCommand,
  StartJobRunCommand,
  type StartJobRunCommandInput,
} from "@aws-sdk/client-emr-serverless";
import { CliError } from "./errors";
import { formatDuration } from "./output";
import { type FollowOptions, followUntilEnded } from "./poll";
import type { EmrServerlessApi } from "./serverless-application";
import { parseS3Uri, type LogStream, type S3Location } from "./step-logs";

/** JobRunState, in the order ListJobRuns' `--state` help lists them. */
export const JOB_RUN_STATES = ["SUBMITTED", "PENDING", "SCHEDULED", "QUEUED", "RUNNING", "SUCCESS", "FAILED", "CANCELLING", "CANCELLED"] as const satisfies readonly JobRunState[];

/** Job run ids: lower-case letters and digits (JobRun.jobRunId pattern [0-9a-z]+, EMR Serverless API reference). */
export const JOB_RUN_ID = /^[0-9a-z]{1,64}$/;

export interface JobRunSpec {
  applicationId: string;
  executionRoleArn: string;
  /** Idempotency: one UUID per CLI invocation, so an SDK retry of the same request cannot start a second run. */
  clientToken: string;
  name: string;
  entryUri: string;
  pyFilesUri: string;
  jobArgs: readonly string[];
  /** Where the driver's and executors' logs go (the stack's monitoring prefix). */
  logUri: string;
}

/** StartJobRun's input: sparkSubmit {entryPoint, entryPointArguments, sparkSubmitParameters} (API reference, SparkSubmit). */
export function jobRunRequest(spec: JobRunSpec): StartJobRunCommandInput {
  return {
    applicationId: spec.applicationId,
    executionRoleArn: spec.executionRoleArn,
    clientToken: spec.clientToken,
    name: spec.name,
    jobDriver: {
      sparkSubmit: {
        entryPoint: spec.entryUri,
        entryPointArguments: [...spec.jobArgs],
        sparkSubmitParameters: `--py-files ${spec.pyFilesUri}`,
      },
    },
    configurationOverrides: { monitoringConfiguration: { s3MonitoringConfiguration: { logUri: spec.logUri } } },
  };
}

/** Starts the run; the API's ValidationException (a release it cannot run, a bad role) becomes one line. */
export async function startJobRun(api: EmrServerlessApi, request: StartJobRunCommandInput, environment: string): Promise<string> {
  try {
    const { jobRunId } = await api.send(new StartJobRunCommand(request));
    if (!jobRunId) throw new CliError(`EMR Serverless accepted the job run on ${request.applicationId} but returned no id`);
    return jobRunId;
  } catch (err) {
    const name = (err as Error).name;
    if (name === "ValidationException") {
      throw new CliError(
        `EMR Serverless refused the job run on ${request.applicationId}: ${(err as Error).message}; ` +
          `fix: check releaseLabel and serverless in environments/${environment}.ts (a release EMR Serverless runs, e.g. emr-7.12.0) and deploy`,
      );
    }
    if (name === "ResourceNotFoundException") {
      throw new CliError(`the EMR Serverless application ${request.applicationId} does not exist; fix: npm run deploy -- ${environment}`);
    }
    throw err;
  }
}

export type JobRunVerdict = { kind: "succeeded" } | { kind: "pending" } | { kind: "failed"; state: string; message: string };

const ENDED: ReadonlySet<string> = new Set(["SUCCESS", "FAILED", "CANCELLED"]);

export function classifyJobRun(run: Pick<JobRun, "jobRunId" | "name" | "state" | "stateDetails">): JobRunVerdict {
  const state = run.state ?? "UNKNOWN";
  if (state === "SUCCESS") return { kind: "succeeded" };
  if (!ENDED.has(state) && state !== "UNKNOWN") return { kind: "pending" };
  return { kind: "failed", state, message: `job run ${run.jobRunId} (${run.name ?? "unnamed"}) is ${state}: ${run.stateDetails || "no details given"}` };
}

export type JobRunWaitOptions = FollowOptions;

/** Polls GetJobRun until the run ends, printing each state change with the time since submit; returns the final run. */
export async function waitForJobRun(api: EmrServerlessApi, applicationId: string, jobRunId: string, options: JobRunWaitOptions): Promise<JobRun> {
  return followUntilEnded(
    { noun: "job run", id: jobRunId, host: applicationId },
    async (abortSignal) => {
      const { jobRun } = await api.send(new GetJobRunCommand({ applicationId, jobRunId }), { abortSignal });
      if (!jobRun) throw new CliError(`job run ${jobRunId} not found on ${applicationId}`);
      return { state: jobRun.state ?? "UNKNOWN", ended: classifyJobRun(jobRun).kind !== "pending", value: jobRun };
    },
    options,
  );
}

/** The newest `limit` runs (ListJobRuns pages newest first; sorted again so the order never depends on it). */
export async function listRecentJobRuns(api: EmrServerlessApi, applicationId: string, options: { limit: number; state?: JobRunState }): Promise<JobRunSummary[]> {
  const runs: JobRunSummary[] = [];
  let nextToken: string | undefined;
  do {
    const page = await api.send(new ListJobRunsCommand({ applicationId, states: options.state ? [options.state] : undefined, nextToken, maxResults: Math.min(50, options.limit) }));
    runs.push(...(page.jobRuns ?? []));
    nextToken = page.nextToken;
  } while (nextToken && runs.length < options.limit);
  return runs.sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0)).slice(0, options.limit);
}

const iso = (date: Date | undefined): string => date?.toISOString().replace(/\.\d{3}Z$/, "Z") ?? "-";

/** id, name, state, created, duration: created to last update once ended, to now while it runs. */
export function jobRunRow(run: JobRunSummary, now: number): string[] {
  const created = run.createdAt?.getTime();
  const end = ENDED.has(run.state ?? "") ? (run.updatedAt?.getTime() ?? now) : now;
  const duration = created === undefined ? "-" : formatDuration(Math.max(0, end - created));
  return [run.id ?? "-", run.name ?? "-", run.state ?? "-", iso(run.createdAt), duration];
}

/**
 * `<logUri>/applications/<application>/jobs/<job run>/SPARK_DRIVER/<stream>.gz`: where EMR Serverless writes the
 * driver's logs with s3MonitoringConfiguration (EMR Serverless User Guide, "Storing logs" → "Amazon S3 buckets";
 * the same layout as fetch_driver_log in aws-samples/emr-serverless-samples examples/python-api/emr_serverless.py).
 */
export function jobRunLogLocation(logUri: string, applicationId: string, jobRunId: string, stream: LogStream): S3Location {
  const base = parseS3Uri(logUri.endsWith("/") ? logUri : `${logUri}/`);
  return { bucket: base.bucket, key: `${base.key}applications/${applicationId}/jobs/${jobRunId}/SPARK_DRIVER/${stream}.gz` };
}
