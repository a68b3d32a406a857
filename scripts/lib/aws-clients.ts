/**
 * SDK v3 clients for one environment. Endpoints follow the SDK's own rules (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SVC>,
 * the shared config file) and fall back to the environment's `endpoint` (only `local` has one), so the same code
 * talks to AWS or to moto's server on loopback.
 */
import { AthenaClient } from "@aws-sdk/client-athena";
import { ECRClient } from "@aws-sdk/client-ecr";
import { EMRClient } from "@aws-sdk/client-emr";
import { EMRServerlessClient } from "@aws-sdk/client-emr-serverless";
import { GlueClient } from "@aws-sdk/client-glue";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { S3Client } from "@aws-sdk/client-s3";
import { SFNClient } from "@aws-sdk/client-sfn";
import { STSClient } from "@aws-sdk/client-sts";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { EnvironmentConfig } from "../../environments";

export interface AwsClients {
  emr: EMRClient;
  s3: S3Client;
  sts: STSClient;
  /** Step Functions: the pipelines' state machines. */
  sfn: SFNClient;
  /** EMR Serverless: the application and its job runs (`submit --serverless`, `runs`, `logs`, `info`). */
  emrServerless: EMRServerlessClient;
  /** ECR: the registry login `image push` needs. */
  ecr: ECRClient;
  /** Glue Data Catalog: the environment's tables (`tables`). */
  glue: GlueClient;
  /** Athena: queries in the environment's workgroup (`query`). */
  athena: AthenaClient;
  /** Kinesis Data Streams: the ticks stream `stream put` writes to. */
  kinesis: KinesisClient;
}

/** The SDK's service ids, as used in AWS_ENDPOINT_URL_<ID>. */
const SERVICE_IDS = { emr: "EMR", s3: "S3", sts: "STS", sfn: "SFN", emrServerless: "EMR_SERVERLESS", ecr: "ECR", glue: "GLUE", athena: "ATHENA", kinesis: "KINESIS" } as const;
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

/** Names for people, in messages. */
const SERVICE_LABELS: Record<Service, string> = { emr: "EMR", s3: "S3", sts: "STS", sfn: "Step Functions", emrServerless: "EMR Serverless", ecr: "ECR", glue: "Glue", athena: "Athena", kinesis: "Kinesis" };

/** Which endpoint a client talks to and which setting chose it: what an unreachable-endpoint message must name. */
export interface EndpointOrigin {
  service: string;
  /** undefined: AWS's own regional endpoint. */
  endpoint?: string;
  /** The environment variable or config that chose it. */
  setting: string;
}

export function endpointOrigin(config: EnvironmentConfig, service: Service, env: NodeJS.ProcessEnv): EndpointOrigin {
  const label = SERVICE_LABELS[service];
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS !== "true") {
    const specific = `AWS_ENDPOINT_URL_${SERVICE_IDS[service]}`;
    if (env[specific]) return { service: label, endpoint: env[specific], setting: specific };
    if (env.AWS_ENDPOINT_URL) return { service: label, endpoint: env.AWS_ENDPOINT_URL, setting: "AWS_ENDPOINT_URL" };
  }
  if (config.endpoint) {
    const setting = config.name === "local" ? (env.EMR_LOCAL_ENDPOINT ? "EMR_LOCAL_ENDPOINT" : "the local environment's endpoint (EMR_LOCAL_ENDPOINT unset)") : `endpoint in environments/${config.name}.ts`;
    return { service: label, endpoint: config.endpoint, setting };
  }
  return { service: label, setting: `AWS's ${config.region} endpoint` };
}

/** The key under which a failed call's error carries its EndpointOrigin (read by describeError). */
export const ENDPOINT_ORIGIN = "$endpointOrigin";

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
  // Every error leaves with the endpoint and the setting that chose it, so "cannot reach" names the service and the
  // variable to fix (a failure of the SFN endpoint alone is otherwise indistinguishable from S3's).
  const annotated = <C extends { middlewareStack: { add: (...args: never[]) => unknown } }>(client: C, service: Service): C => {
    const origin = endpointOrigin(config, service, env);
    const add = client.middlewareStack.add as unknown as (middleware: unknown, options: object) => void;
    add.call(
      client.middlewareStack,
      (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
        try {
          return await next(args);
        } catch (err) {
          if (typeof err === "object" && err !== null && !(ENDPOINT_ORIGIN in err)) Object.defineProperty(err, ENDPOINT_ORIGIN, { value: origin, enumerable: false });
          throw err;
        }
      },
      { step: "initialize", name: "endpointOriginMiddleware" },
    );
    return client;
  };
  return lazyClients({
    emr: () => annotated(new EMRClient({ ...common, ...settings("emr") }), "emr"),
    s3: () => annotated(new S3Client({ ...common, ...settings("s3"), forcePathStyle: clientSettings(config, "s3", env).forcePathStyle }), "s3"),
    sts: () => annotated(new STSClient({ ...common, ...settings("sts") }), "sts"),
    sfn: () => annotated(new SFNClient({ ...common, ...settings("sfn") }), "sfn"),
    emrServerless: () => annotated(new EMRServerlessClient({ ...common, ...settings("emrServerless") }), "emrServerless"),
    ecr: () => annotated(new ECRClient({ ...common, ...settings("ecr") }), "ecr"),
    glue: () => annotated(new GlueClient({ ...common, ...settings("glue") }), "glue"),
    athena: () => annotated(new AthenaClient({ ...common, ...settings("athena") }), "athena"),
    // The Kinesis client defaults to HTTP/2 (for SubscribeToShard's event stream, which we never call); PutRecords is
    // plain HTTP/1.1 JSON, which moto's server and HTTP proxies speak too.
    kinesis: () => annotated(new KinesisClient({ ...common, ...settings("kinesis"), requestHandler: new NodeHttpHandler(common.requestHandler) }), "kinesis"),
  });
}

/**
 * Each client is built on first use: a command pays only for the services it calls, and the bundled CLI loads only
 * their SDK packages (scripts/bin/compiled.cjs), so `info` loads EMR's and EMR Serverless's, not nine. Assigning a
 * property (an injected client in tests) replaces it.
 */
function lazyClients(build: { [S in Service]: () => AwsClients[S] }): AwsClients {
  const clients = {} as AwsClients;
  const settle = (service: Service, client: unknown) => Object.defineProperty(clients, service, { value: client, writable: true, enumerable: true, configurable: true });
  for (const service of Object.keys(build) as Service[]) {
    Object.defineProperty(clients, service, {
      enumerable: true,
      configurable: true,
      get: () => settle(service, build[service]())[service],
      set: (client: unknown) => settle(service, client),
    });
  }
  return clients;
}
