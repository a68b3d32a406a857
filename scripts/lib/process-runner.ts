/**
 * The boundary to child processes (cdktf synth, terraform/tofu): argv arrays, never shell strings. Commands depend on
 * the interface; tests pass a recording fake and assert the exact argv.
 */
import { CliError } from "./errors";
import { importEsm } from "./import-esm.cjs";
import type * as Execa from "execa" with { "resolution-mode": "import" };

export interface RunOptions {
  cwd?: string;
  /** Added to the inherited environment. */
  env?: Record<string, string>;
  /** Echo the child's output to the operator while capturing it. @default false */
  stream?: boolean;
  /** Written to the child's stdin (a secret such as a registry password never goes in argv, which `ps` shows). */
  input?: string;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ProcessRunner {
  run(file: string, args: readonly string[], options?: RunOptions): Promise<RunResult>;
}

/** The real runner: execa (ESM-only, hence the dynamic import), no shell, output optionally teed to our stdio. */
export class ExecaRunner implements ProcessRunner {
  /** Children running now: on Ctrl-C the CLI waits for them (terraform releases its state lock) instead of exiting. */
  active = 0;

  async run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    this.active++;
    try {
      return await this.spawn(file, args, options);
    } finally {
      this.active--;
    }
  }

  private async spawn(file: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
    const { execa } = await importEsm<typeof Execa>("execa");
    const output = options.stream ? (["pipe", "inherit"] as const) : ("pipe" as const);
    const result = await execa(file, [...args], {
      cwd: options.cwd,
      env: options.env,
      extendEnv: true,
      ...(options.input !== undefined ? { input: options.input } : { stdin: "ignore" as const }),
      stdout: output,
      stderr: output,
      reject: false,
      stripFinalNewline: false,
      // Ctrl-C reaches the child through the terminal's process group; terraform then stops cleanly on its own.
      forceKillAfterDelay: false,
    });
    const spawnError = (result as { code?: string }).code;
    if (spawnError === "ENOENT") {
      throw new CliError(`${file} not found; fix: install it or put it on PATH`);
    }
    return {
      exitCode: result.exitCode ?? (result.signal ? 128 : 1),
      stdout: typeof result.stdout === "string" ? result.stdout : "",
      stderr: typeof result.stderr === "string" ? result.stderr : "",
    };
  }
}
