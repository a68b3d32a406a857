/**
 * moto's server on 127.0.0.1 for the CLI's AWS side: a free port per test file, the SDK pointed at it through
 * AWS_ENDPOINT_URL (and the local environment through EMR_LOCAL_ENDPOINT), dummy credentials, and nothing that could
 * reach beyond loopback (no instance metadata, no shared config files).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const MOTO_SERVER = path.join(REPO_ROOT, ".venv-tools", "bin", "moto_server");

export interface MotoServer {
  endpoint: string;
  port: number;
  /** Forgets every resource (moto's /moto-api/reset). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

async function waitUntilUp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode} before answering`);
    try {
      const response = await fetch(`${url}/moto-api/`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`moto_server did not answer on ${url} within ${timeoutMs} ms`);
}

export async function startMoto(): Promise<MotoServer> {
  if (!existsSync(MOTO_SERVER)) {
    throw new Error(`${MOTO_SERVER} is missing; run: bash scripts/setup-python.sh (or .venv-tools/bin/pip install 'moto[server]==5.2.5')`);
  }
  const port = await freePort();
  // MOTO_PORT: state machines' aws-sdk tasks call back into this same server (moto/settings.py moto_server_port).
  const child = spawn(MOTO_SERVER, ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore", env: { ...process.env, MOTO_PORT: String(port) } });
  const endpoint = `http://localhost:${port}`;
  await waitUntilUp(`http://127.0.0.1:${port}`, child, 20_000);
  return {
    endpoint,
    port,
    reset: async () => {
      await fetch(`http://127.0.0.1:${port}/moto-api/reset`, { method: "POST" });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** The variables the CLI (and the SDK underneath) read, all pointing at `endpoint`. */
export function motoEnvironment(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    EMR_LOCAL_ENDPOINT: endpoint,
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    AWS_REGION: "us-east-1",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_CONFIG_FILE: "/nonexistent/aws-config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
}

const UNSET = ["AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_EMR", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_SFN", "AWS_ENDPOINT_URL_KINESIS", "TERRAFORM_BIN", "CI"];

/**
 * Starts moto for the calling test file (beforeAll) and stops it (afterAll); returns a getter for the server.
 * Sets this worker's process.env, which the SDK reads when a client is created.
 */
export function useMoto(): () => MotoServer {
  let server: MotoServer | undefined;
  const saved: Record<string, string | undefined> = {};
  beforeAll(async () => {
    server = await startMoto();
    const vars = motoEnvironment(server.endpoint);
    for (const key of [...Object.keys(vars), ...UNSET]) saved[key] = process.env[key];
    for (const key of UNSET) delete process.env[key];
    Object.assign(process.env, vars);
  });
  afterAll(async () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error("moto is not running (useMoto() must be called at the top of the test file)");
    return server;
  };
}
