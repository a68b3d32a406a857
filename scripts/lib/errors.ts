/**
 * Errors the operator sees as one line. Anything else that escapes a command is translated by `describeError`, so
 * a missing credential or an unreachable endpoint never surfaces as a stack trace.
 */

/** 2 is "not an error, but not done": plan has changes; a pipeline run a gate stopped (the gate job's own exit 2). */
export const EXIT = { ok: 0, error: 1, changes: 2, stopped: 2, interrupted: 130 } as const;

/** An expected failure: its message is the whole story (what went wrong and the fix). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.error,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** Ctrl-C while waiting: nothing was rolled back; `message` says how to resume. */
export class Interrupted extends CliError {
  constructor(message: string) {
    super(message, EXIT.interrupted);
    this.name = "Interrupted";
  }
}

/** A wait that ran out of time; the caller adds what was being waited for. */
export class WaitTimeout extends CliError {
  constructor(message: string) {
    super(message);
    this.name = "WaitTimeout";
  }
}

interface SdkLikeError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $fault?: string;
}

/** The SDK's throttling codes (THROTTLING_ERROR_CODES in @smithy/core/dist-cjs/submodules/retry), which it retries. */
const THROTTLING: ReadonlySet<string> = new Set([
  "BandwidthLimitExceeded",
  "EC2ThrottledException",
  "LimitExceededException",
  "PriorRequestNotComplete",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "ThrottledException",
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "TransactionInProgressException",
]);

const CREDENTIAL_FIX = "fix: set AWS_PROFILE (then `aws sso login`) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY";

/** The endpoint a failed call went to (scripts/lib/aws-clients.ts attaches it as `$endpointOrigin`). */
function endpointOf(err: unknown): { what: string; setting: string } | undefined {
  const origin = (err as { $endpointOrigin?: { service: string; endpoint?: string; setting: string } } | undefined)?.$endpointOrigin;
  if (!origin) return undefined;
  return { what: `the ${origin.service} endpoint${origin.endpoint ? ` ${origin.endpoint}` : ""} (${origin.setting})`, setting: origin.setting };
}

/** One line for any error; `debug` appends the stack for errors we did not anticipate. */
export function describeError(err: unknown, debug = false): string {
  if (err instanceof CliError) return err.message;
  const e = (typeof err === "object" && err !== null ? err : { message: String(err) }) as SdkLikeError & Error;
  const name = e.name ?? "";
  const message = firstLine(e.message ?? String(err));
  let line: string;
  if (name === "ConfigError") {
    line = e.message ?? "invalid configuration";
  } else if (name === "CredentialsProviderError" || /Could not load credentials/i.test(message)) {
    line = `no AWS credentials found; ${CREDENTIAL_FIX}`;
  } else if (name === "ExpiredToken" || name === "ExpiredTokenException" || name === "RequestExpired") {
    line = `the AWS credentials have expired; ${CREDENTIAL_FIX}`;
  } else if (name === "InvalidClientTokenId" || name === "SignatureDoesNotMatch" || name === "UnrecognizedClientException") {
    line = `AWS rejected the credentials (${name}); ${CREDENTIAL_FIX}`;
  } else if (name === "NoSuchBucket") {
    const bucket = (e as { BucketName?: string }).BucketName;
    line = `${bucket ? `bucket ${bucket}` : "the bucket"} does not exist; fix: check the --*-bucket flags or the stack's outputs (npm run emr -- info <env>)`;
  } else if (/AccessDenied|UnauthorizedOperation|Forbidden/.test(name)) {
    line = `AWS denied the request (${name}): ${message}`;
  } else if (name === "TimeoutError" && /requestTimeout/.test(message)) {
    // @smithy/node-http-handler's requestTimeout with throwOnRequestTimeout (scripts/lib/aws-clients.ts).
    const endpoint = endpointOf(err);
    line = endpoint
      ? `${endpoint.what} accepted the connection but did not answer in time (${message}); fix: check the network, a proxy, or ${endpoint.setting}`
      : `the AWS endpoint accepted the connection but did not answer in time (${message}); fix: check the network, a proxy, AWS_ENDPOINT_URL or the local endpoint (EMR_LOCAL_ENDPOINT)`;
  } else if (["ECONNREFUSED", "ENOTFOUND", "ECONNRESET", "EHOSTUNREACH", "ETIMEDOUT"].includes(e.code ?? "") || /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH/.test(message)) {
    const endpoint = endpointOf(err);
    line = endpoint
      ? `cannot reach ${endpoint.what}: ${message}; fix: check the network or ${endpoint.setting}`
      : `cannot reach the AWS endpoint (${message}); fix: check the network, AWS_ENDPOINT_URL or the local endpoint (EMR_LOCAL_ENDPOINT)`;
  } else if (THROTTLING.has(name)) {
    // Reaching here means the SDK's adaptive retries (AWS_MAX_ATTEMPTS, default 5) were all throttled too.
    const attempts = (e.$metadata as { attempts?: number } | undefined)?.attempts;
    line =
      `AWS kept throttling the requests (${name}: ${message})${attempts ? ` after ${attempts} attempts` : ""}; ` +
      `fix: wait a minute and rerun (other tools may share the account's API rate), or raise AWS_MAX_ATTEMPTS (default 5) so the CLI retries longer`;
  } else if (e.$metadata !== undefined) {
    line = `AWS error ${name || "unknown"}${e.$metadata.httpStatusCode ? ` (HTTP ${e.$metadata.httpStatusCode})` : ""}: ${message}`;
  } else {
    line = `unexpected error: ${message}${debug ? "" : " (rerun with --debug for the stack trace)"}`;
  }
  return debug && e.stack && !(err instanceof CliError) ? `${line}\n${e.stack}` : line;
}

export function exitCodeOf(err: unknown): number {
  return err instanceof CliError ? err.exitCode : EXIT.error;
}

function firstLine(text: string): string {
  const line = text.split("\n").find((l) => l.trim() !== "") ?? text;
  // The SDK wraps a non-service error (a refused connection) as "AWS SDK error wrapper for Error: <message>".
  return line.trim().replace(/^AWS SDK error wrapper for (\w*Error: )?/, "");
}

/** AWS SDK "not found" shapes (S3 HEAD gives a bare NotFound). */
export function isNotFound(err: unknown): boolean {
  const e = err as SdkLikeError | undefined;
  return e?.name === "NotFound" || e?.name === "NoSuchKey" || e?.$metadata?.httpStatusCode === 404;
}
