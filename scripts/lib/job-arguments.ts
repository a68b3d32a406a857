/**
 * What `submit` checks before any AWS call: the job exists in the catalogue (spark-jobs/catalog.json, generated from
 * each job's argparse parser) and its arguments after `--` match the options that parser declares.
 */
import { type CatalogJob, checkJobArguments, findJob, loadJobCatalog } from "../../contracts/job-catalog";
import { CliError } from "./errors";

/** `--name value`, `--name=value` and switches, as the option-name → value record the catalogue checks. */
export function jobArgumentRecord(job: CatalogJob, argv: readonly string[]): Record<string, string> {
  const switches = new Set(job.options.filter((o) => o.type === "flag").map((o) => o.flag.replace(/^--/, "")));
  const record: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (!token.startsWith("--")) throw new CliError(`${job.name}: "${token}" is not an option; fix: pass arguments as --name value after --`);
    const [name, inline] = token.slice(2).split(/=(.*)/s, 2);
    if (inline !== undefined) record[name] = inline;
    else if (switches.has(name)) record[name] = "";
    else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) record[name] = argv[++i];
    else throw new CliError(`${job.name} --${name} needs a value; fix: --${name} <value>`);
  }
  return record;
}

/** The catalogued job for `requested` (name or alias); throws one line naming every problem with its arguments. */
export function checkedJob(requested: string, argv: readonly string[]): CatalogJob {
  const found = findJob(requested);
  if (typeof found === "string") throw new CliError(found);
  const problems = checkJobArguments(found, jobArgumentRecord(found, argv));
  if (problems.length > 0) throw new CliError(`${problems.join("; ")} (nothing was uploaded or submitted)`);
  return found;
}

/** For `--help`: every job with its aliases, from the catalogue. */
export function jobChoices(): string {
  return loadJobCatalog()
    .jobs.map((j) => (j.aliases.length > 0 ? `${j.name} (${j.aliases.join(", ")})` : j.name))
    .join(", ");
}
