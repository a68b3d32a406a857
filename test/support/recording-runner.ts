/**
 * A ProcessRunner that records every call (file, exact argv, options) and answers from a script, so tests pin the
 * argv the CLI passes to terraform and cdktf without running either.
 */
import type { ProcessRunner, RunOptions, RunResult } from "../../scripts/lib/process-runner";

export interface RecordedCall {
  file: string;
  args: string[];
  options: RunOptions;
}

/** Answers a call; return undefined for "exit 0, no output". May have side effects (synth writes cdk.tf.json). */
export type Script = (call: RecordedCall) => Partial<RunResult> | undefined | Promise<Partial<RunResult> | undefined>;

export class RecordingRunner implements ProcessRunner {
  readonly calls: RecordedCall[] = [];

  constructor(private readonly script: Script = () => undefined) {}

  async run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const call = { file, args: [...args], options };
    this.calls.push(call);
    const answer = (await this.script(call)) ?? {};
    return { exitCode: 0, stdout: "", stderr: "", ...answer };
  }

  /** The terraform subcommands in call order, argv without the binary (e.g. ["-chdir=…", "init", "-input=false"]). */
  argvOf(file: string): string[][] {
    return this.calls.filter((c) => c.file === file).map((c) => c.args);
  }
}

/** `terraform output -json` for the given outputs. */
export function outputJson(values: Record<string, string | boolean>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { sensitive: false, type: typeof v === "boolean" ? "bool" : "string", value: v }])));
}
