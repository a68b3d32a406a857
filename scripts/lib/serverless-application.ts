/**
 * The environment's EMR Serverless application as the EMR Serverless API reports it: read once per command, refused
 * for job runs when it cannot take them, and summarised for `info`.
 */
import { type Application, type EMRServerlessClient, GetApplicationCommand } from "@aws-sdk/client-emr-serverless";
import type { ServerlessOutput } from "../../modules/serverless/target";
import { CliError } from "./errors";

export type EmrServerlessApi = Pick<EMRServerlessClient, "send">;

/** GetApplication; an unknown id (ResourceNotFoundException) says the stack's output is stale. */
export async function getApplication(api: EmrServerlessApi, output: ServerlessOutput, environment: string): Promise<Application> {
  try {
    const { application } = await api.send(new GetApplicationCommand({ applicationId: output.applicationId }));
    if (!application) throw new CliError(`EMR Serverless returned no application for ${output.applicationId}`);
    return application;
  } catch (err) {
    if ((err as Error).name === "ResourceNotFoundException") {
      throw new CliError(`the EMR Serverless application ${output.applicationId} of ${environment} does not exist (deleted outside Terraform?); fix: npm run deploy -- ${environment}`);
    }
    throw err;
  }
}

/**
 * Refuses an application that would not run the job: terminated, or stopped with auto-start off. "Application
 * states" (EMR Serverless User Guide): only STARTED accepts jobs; with autoStartConfiguration enabled (the default)
 * a job submitted to a CREATED or STOPPED application starts it.
 */
export function requireAcceptsJobs(application: Application, environment: string): void {
  const state = application.state ?? "UNKNOWN";
  const id = application.applicationId;
  if (state === "TERMINATED") {
    throw new CliError(`the EMR Serverless application ${id} of ${environment} is TERMINATED and takes no jobs; fix: npm run deploy -- ${environment} (recreates it)`);
  }
  const autoStart = application.autoStartConfiguration?.enabled ?? true;
  if (!autoStart && state !== "STARTED") {
    throw new CliError(
      `the EMR Serverless application ${id} of ${environment} is ${state} and auto-start is off, so the job would never run; ` +
        `fix: aws emr-serverless start-application --application-id ${id}, or set serverless.autoStart in environments/${environment}.ts and deploy`,
    );
  }
}

/** "4 vCPU, 16 GB, 20 GB disk" from the API's strings ("4 vCPU", "16 GB", "20 GB"). */
function resources(cpu: string | undefined, memory: string | undefined, disk: string | undefined): string {
  return [cpu, memory, disk ? `${disk} disk` : undefined].filter(Boolean).join(", ") || "-";
}

/** What `info` shows about the application. */
export interface ApplicationInfo {
  id: string;
  name: string;
  state: string;
  stateDetails?: string;
  releaseLabel: string;
  architecture: string;
  maximumCapacity: string;
  /** "driver 1 × 2 vCPU, 4 GB, 20 GB disk", per worker type; empty when nothing is pre-warmed. */
  initialCapacity: string[];
  autoStart: boolean;
  autoStopIdleMinutes?: number;
  image: string;
  logUri: string;
}

export const EMR_DEFAULT_IMAGE = "EMR default image: Python 3.9, no pandas";

export function applicationInfo(application: Application, output: ServerlessOutput): ApplicationInfo {
  const max = application.maximumCapacity;
  const stop = application.autoStopConfiguration;
  return {
    id: application.applicationId ?? output.applicationId,
    name: application.name ?? output.applicationName,
    state: application.state ?? "UNKNOWN",
    ...(application.stateDetails ? { stateDetails: application.stateDetails } : {}),
    releaseLabel: application.releaseLabel ?? output.releaseLabel,
    // The API omits architecture when it is the default, X86_64 (Application.architecture, EMR Serverless API reference).
    architecture: application.architecture ?? "X86_64",
    maximumCapacity: resources(max?.cpu, max?.memory, max?.disk),
    initialCapacity: Object.entries(application.initialCapacity ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([type, c]) => `${type.toLowerCase()} ${c.workerCount ?? 0} × ${resources(c.workerConfiguration?.cpu, c.workerConfiguration?.memory, c.workerConfiguration?.disk)}`),
    autoStart: application.autoStartConfiguration?.enabled ?? true,
    ...(stop?.enabled ? { autoStopIdleMinutes: stop.idleTimeoutMinutes } : {}),
    image: application.imageConfiguration?.imageUri ?? output.imageUri ?? EMR_DEFAULT_IMAGE,
    logUri: output.logUri,
  };
}

export function renderApplicationInfo(info: ApplicationInfo): string[] {
  return [
    "  EMR Serverless",
    `    application    ${info.id} ${info.name}`,
    `    state          ${info.state}${info.stateDetails ? ` (${info.stateDetails})` : ""}`,
    `    release        ${info.releaseLabel} (${info.architecture})`,
    `    maximum        ${info.maximumCapacity}`,
    `    pre-warmed     ${info.initialCapacity.length > 0 ? info.initialCapacity.join("; ") : "none"}`,
    `    auto start     ${info.autoStart ? "on" : "off"}; auto stop ${info.autoStopIdleMinutes === undefined ? "off" : `after ${info.autoStopIdleMinutes} idle min`}`,
    `    image          ${info.image}`,
    `    logs           ${info.logUri}`,
  ];
}
