/**
 * Entry point of the operator CLI (`npm run emr -- <command> <env>`, `npm run deploy -- <env>`, bin `emr`).
 * Process concerns only: real stdio, the terminal prompt, Ctrl-C, the exit code. Commands are listed in scripts/cli.ts.
 */
import path from "node:path";
import { createInterface } from "node:readline/promises";
import { runCli } from "./cli";
import { DEFAULT_TIMING } from "./lib/timing";
import { EXIT } from "./lib/errors";
import { ExecaRunner } from "./lib/process-runner";
import { newRunId } from "./lib/steps";

// The SDK's notice about Node 22 concerns SDK releases after January 2027, not this run; keep operator output clean.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// `npm run emr -- … --help | head`: a reader that stops early is not a crash (git and coreutils exit quietly too).
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(typeof process.exitCode === "number" ? process.exitCode : 0);
});

async function prompt(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

/** How long a command gets to stop on its own after Ctrl-C (waits stop at once; an SDK call may be in flight). */
const INTERRUPT_GRACE_MS = 2_000;

async function main(): Promise<void> {
  const interrupt = new AbortController();
  const runner = new ExecaRunner();
  process.on("SIGINT", () => {
    if (interrupt.signal.aborted) {
      process.stderr.write("\nforced exit: if terraform was running and the next run reports a state lock, release it with terraform force-unlock\n");
      process.exit(EXIT.interrupted);
    }
    interrupt.abort();
    setTimeout(() => {
      // terraform got the same Ctrl-C from the terminal and is stopping cleanly: wait for it (a second Ctrl-C forces).
      if (runner.active > 0) return;
      process.stderr.write("error: interrupted (Ctrl-C); nothing was rolled back, rerunning the same command is safe\n");
      process.exit(EXIT.interrupted);
    }, INTERRUPT_GRACE_MS).unref();
  });
  const code = await runCli(process.argv.slice(2), {
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    runner,
    repoRoot: path.resolve(__dirname, ".."),
    prompt: process.stdin.isTTY ? prompt : undefined,
    signal: interrupt.signal,
    timing: DEFAULT_TIMING,
    runId: () => newRunId(),
    nodeVersion: process.version,
    now: Date.now,
  });
  process.exitCode = code;
}

void main();
