/**
 * `npm run summary [-- --env <name>] [--json] [--outdir cdktf.out]`: per environment, the synthesized stack's
 * resources by type, instance groups, scaling range, estimated hourly cost at both ends of the range and the policy
 * guard's result. Reads `cdktf.out/stacks/emr-<env>/cdk.tf.json` (run `npm run synth` first).
 * Exit codes: 0 ok; 1 a stack is missing/unreadable or the guard reports violations; 2 bad arguments or price table.
 * Same shape as the operator CLI: `run(argv, deps)` returns the exit code and never exits the process.
 */
import { Command, CommanderError } from "commander";
import { ConfigError, ENVIRONMENT_NAMES, loadEnvironment } from "../../environments";
import type { TextSink } from "../lib/output";
import { formatSummaries } from "./format";
import { DEFAULT_PRICES_PATH, loadPriceTable, PriceTableError } from "../../environments/instance-types";
import { DEFAULT_SERVERLESS_PRICES_PATH, loadServerlessPriceTable } from "../../environments/serverless-prices";
import { DEFAULT_KINESIS_PRICES_PATH, loadKinesisPriceTable } from "../../environments/kinesis-prices";
import { readStackFile } from "../../policy/stack-file";
import { summarizeEnvironment, type EnvironmentSummary } from "./summary";

export interface SummaryDeps {
  stdout: TextSink;
  stderr: TextSink;
}

interface Options {
  env?: string;
  json?: boolean;
  outdir: string;
  prices: string;
  serverlessPrices: string;
  kinesisPrices: string;
}

function summarize(options: Options, deps: SummaryDeps): number {
  const out = (text: string) => deps.stdout.write(`${text}\n`);
  const err = (text: string) => deps.stderr.write(`${text}\n`);
  const names = options.env ? [options.env] : [...ENVIRONMENT_NAMES];
  const configs = names.map((name) => loadEnvironment(name));
  const prices = loadPriceTable(options.prices);
  const serverlessPrices = loadServerlessPriceTable(options.serverlessPrices);
  const kinesisPrices = loadKinesisPriceTable(options.kinesisPrices);
  const summaries: EnvironmentSummary[] = configs.map((config) => {
    const file = readStackFile(options.outdir, config.name);
    return summarizeEnvironment({
      config,
      prices,
      serverlessPrices,
      kinesisPrices,
      stack: file.status === "ok" ? { json: file.json } : { problem: file.message },
    });
  });

  if (options.json) {
    const { source, compiled, accuracy, spot, excludes, currency } = prices;
    const serverless = { source: serverlessPrices.source, compiled: serverlessPrices.compiled, accuracy: serverlessPrices.accuracy, excludes: serverlessPrices.excludes };
    const kinesis = { source: kinesisPrices.source, compiled: kinesisPrices.compiled, accuracy: kinesisPrices.accuracy, excludes: kinesisPrices.excludes };
    out(JSON.stringify({ prices: { source, compiled, accuracy, currency, spot, excludes, serverless, kinesis }, environments: summaries }, null, 2));
  } else {
    out(formatSummaries(summaries, prices, serverlessPrices, kinesisPrices));
  }
  const missing = summaries.filter((s) => s.stackProblem);
  const violating = summaries.filter((s) => (s.policyGuard?.violations.length ?? 0) > 0);
  for (const s of missing) err(`${s.stackId}: ${s.stackProblem}`);
  for (const s of violating) err(`${s.stackId}: policy guard reports ${s.policyGuard?.violations.length} violation(s)`);
  return missing.length || violating.length ? 1 : 0;
}

export async function run(argv: readonly string[], deps: SummaryDeps): Promise<number> {
  let exitCode = 0;
  const program = new Command()
    .name("summary")
    .description("Plan summary per environment: resources, instance groups, scaling, estimated hourly cost, EMR Serverless cost ceiling, Kinesis stream cost, policy guard")
    .option("--env <name>", `one environment (${ENVIRONMENT_NAMES.join(", ")}); default: all`)
    .option("--json", "machine-readable output")
    .option("--outdir <dir>", "cdktf output directory", "cdktf.out")
    .option("--prices <file>", "price table", DEFAULT_PRICES_PATH)
    .option("--serverless-prices <file>", "EMR Serverless price table", DEFAULT_SERVERLESS_PRICES_PATH)
    .option("--kinesis-prices <file>", "Kinesis Data Streams price table", DEFAULT_KINESIS_PRICES_PATH)
    .exitOverride()
    .configureOutput({ writeOut: (s) => deps.stdout.write(s), writeErr: (s) => deps.stderr.write(s) })
    .action((options: Options) => {
      exitCode = summarize(options, deps);
    });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof ConfigError || error instanceof PriceTableError) {
      deps.stderr.write(`summary: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

if (require.main === module) void run(process.argv.slice(2), process).then((code) => (process.exitCode = code));
