/**
 * SDK v3 clients for one environment. Endpoints follow the SDK's own rules (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SVC>,
 * the shared config file) and fall back to the environment's `endpoint` (only `local` has one), so the same code
 * talks to AWS or to moto's server on loopback.
 */
import { EMRClient } from "@aws-sdk/client-emr";
import { S3Client } from "@aws-sdk/client-s3";
import { SFNClient } from "@aws-sdk/client-sfn";
import { STSClient } from "@aws-sdk/client-sts";
import type { EnvironmentConfig } from "../../environments";

export interface AwsClients {
  emr: EMRClient;
  s3: S3Client;
  sts: STSClient;
  /** Step Functions: the pipelines' state machines. */
  sfn: SFNClient;
}

/** The SDK's service ids, as used in AWS_ENDPOINT_URL_<ID>. */
const SERVICE_IDS = { emr: "EMR", s3: "S3", sts: "STS", sfn: "SFN" } as const;
type Service = keyof typeof SERVICE_IDS;

/** The endpoint the SDK will pick up from the environment for `service`, if any (mirrors its precedence). */
export function endpointFromEnv(service: Service, env: NodeJS.ProcessEnv): string | undefined {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === "true") return undefined;
  return env[`AWS_ENDPOINT_URL_${SERVICE_IDS[service]}`] || env.AWS_ENDPOINT_URL || undefined;
}

export interface ClientSettings {
  region: string;
  /** Set only when the environment variables name no endpoint for the service. */
  endpoint?: string;
  forcePathStyle: boolean;
}

/** Pure: what each client is configured with, so the rules are testable without building clients. */
export function clientSettings(config: EnvironmentConfig, service: Service, env: NodeJS.ProcessEnv): ClientSettings {
  const fromEnv = endpointFromEnv(service, env);
  const endpoint = fromEnv ? undefined : config.endpoint;
  return { region: config.region, endpoint, forcePathStyle: Boolean(fromEnv ?? endpoint) };
}

/** Local endpoints accept any credentials; give them dummy ones when none are configured so nothing probes further. */
function localCredentials(config: EnvironmentConfig, env: NodeJS.ProcessEnv) {
  const configured = env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || env.AWS_WEB_IDENTITY_TOKEN_FILE;
  return config.name === "local" && !configured ? { accessKeyId: "testing", secretAccessKey: "testing" } : undefined;
}

/** No request may hang: 5 s to connect, then this long for the answer, per attempt. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

export function createAwsClients(config: EnvironmentConfig, env: NodeJS.ProcessEnv = process.env, requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS): AwsClients {
  const maxAttempts = Number.parseInt(env.AWS_MAX_ATTEMPTS ?? "", 10) || 5;
  const common = {
    // Adaptive: client-side rate limiting on throttling, which a polling CLI provokes on busy accounts.
    retryMode: "adaptive",
    maxAttempts,
    credentials: localCredentials(config, env),
    // requestTimeout alone only logs a warning: throwOnRequestTimeout makes it fail the attempt
    // (setRequestTimeout in @smithy/node-http-handler/dist-cjs/index.js), so a silent endpoint cannot hang a command.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: requestTimeoutMs, throwOnRequestTimeout: true },
  } as const;
  const settings = (service: Service) => {
    const s = clientSettings(config, service, env);
    return { region: s.region, ...(s.endpoint ? { endpoint: s.endpoint } : {}) };
  };
  return {
    emr: new EMRClient({ ...common, ...settings("emr") }),
    s3: new S3Client({ ...common, ...settings("s3"), forcePathStyle: clientSettings(config, "s3", env).forcePathStyle }),
    sts: new STSClient({ ...common, ...settings("sts") }),
    sfn: new SFNClient({ ...common, ...settings("sfn") }),
  };
}
