/**
 * Local Spark for a pipeline's `spark-submit` steps. Two ways, same interface:
 * - SharedSessionSpark (default): one long-lived Python worker (spark_worker.py) runs each job's entry point in-process,
 *   so the JVM and the SparkSession start once per run, not once per step;
 * - FreshProcessSpark (`--fresh-spark`): `python <entrypoint> args…` per step, exactly what a person runs locally.
 * Both run the checked-out code: PYTHONPATH is the run's pyFiles (spark-jobs/src).
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import path from "node:path";
import { createInterface, type Interface } from "node:readline";

export interface SparkJob {
  readonly entrypoint: string;
  readonly args: readonly string[];
}

export interface SparkOutcome {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

export interface LocalSpark {
  run(job: SparkJob): Promise<SparkOutcome>;
  close(): Promise<void>;
}

export interface SparkOptions {
  readonly python: string;
  /** Directories put first on PYTHONPATH (the run's pyFiles). */
  readonly pythonPath: readonly string[];
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
}

function environment(options: SparkOptions): NodeJS.ProcessEnv {
  const base = options.env ?? process.env;
  return { ...base, PYTHONPATH: [...options.pythonPath, base.PYTHONPATH].filter(Boolean).join(path.delimiter), PYTHONUNBUFFERED: "1" };
}

export class FreshProcessSpark implements LocalSpark {
  constructor(private readonly options: SparkOptions) {}

  run(job: SparkJob): Promise<SparkOutcome> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const child = spawn(this.options.python, [job.entrypoint, ...job.args], { cwd: this.options.cwd, env: environment(this.options) });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("error", reject);
      child.on("close", (code, signal) => resolve({ exitCode: code ?? (signal ? 128 : 1), stdout, stderr, seconds: (Date.now() - started) / 1000 }));
    });
  }

  async close(): Promise<void> {}
}

export class SharedSessionSpark implements LocalSpark {
  private child: ChildProcessWithoutNullStreams | undefined;
  private lines: Interface | undefined;
  private readonly pending: ((line: string) => void)[] = [];
  private stderr = "";
  private queue: Promise<unknown> = Promise.resolve();
  private exited: string | undefined;

  constructor(private readonly options: SparkOptions) {}

  private start(): Promise<void> {
    const child = spawn(this.options.python, [path.join(__dirname, "spark_worker.py")], { cwd: this.options.cwd, env: environment(this.options) });
    this.child = child;
    child.stderr.on("data", (d: Buffer) => (this.stderr += d.toString()));
    this.lines = createInterface({ input: child.stdout });
    this.lines.on("line", (line) => this.pending.shift()?.(line));
    child.on("exit", (code, signal) => {
      this.exited = `the Spark worker exited (${signal ?? `code ${code}`})`;
      for (const waiter of this.pending.splice(0)) waiter("");
    });
    return new Promise((resolve, reject) => {
      this.pending.push((line) => (line.includes('"ready"') ? resolve() : reject(new Error(`${this.exited ?? "the Spark worker did not start"}: ${this.stderr.slice(-2000)}`))));
    });
  }

  run(job: SparkJob): Promise<SparkOutcome> {
    // One job at a time on the one session: Parallel branches queue here.
    const next = this.queue.then(() => this.runNow(job));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async runNow(job: SparkJob): Promise<SparkOutcome> {
    if (!this.child) await this.start();
    if (this.exited) throw new Error(this.exited);
    this.stderr = "";
    const answer = new Promise<string>((resolve) => this.pending.push(resolve));
    this.child!.stdin.write(`${JSON.stringify({ entrypoint: job.entrypoint, argv: job.args })}\n`);
    const line = await answer;
    if (!line) throw new Error(`${this.exited ?? "the Spark worker stopped"} while running ${path.basename(job.entrypoint)}: ${this.stderr.slice(-2000)}`);
    const result = JSON.parse(line) as { exit_code: number; stdout: string; stderr: string; seconds: number };
    // The worker's own stderr also carries the JVM's lines (log4j errors), which the job's Python capture cannot see.
    const jvm = this.stderr.replace(result.stdout, "").replace(result.stderr, "").trim();
    return { exitCode: result.exit_code, stdout: result.stdout, stderr: [result.stderr, jvm].filter(Boolean).join("\n"), seconds: result.seconds };
  }

  async close(): Promise<void> {
    if (!this.child || this.exited) return;
    const child = this.child;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.stdin.end();
    });
  }
}
