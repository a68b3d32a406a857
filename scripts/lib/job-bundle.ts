/**
 * Packages `spark-jobs/` into the artifacts a step needs: each entry script, the `emr_jobs` package zipped for
 * `--py-files` (package at the zip root), and the pinned requirements. Every artifact's key carries its own content
 * hash, so a step that names a key always runs exactly the code uploaded under it.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { CliError } from "./errors";
import { createZip, type ZipEntry } from "./zip";

export const JOBS_PACKAGE = "emr_jobs";

export interface Artifact {
  /** Name in the bundle, e.g. "smoke_test.py", "emr_jobs.zip". */
  fileName: string;
  body: Buffer;
  sha256: string;
  /** Content-addressed object key: <prefix><first 16 hex of sha256>/<fileName>. */
  key: string;
  contentType: string;
}

export interface JobBundle {
  /** By job name (file name without .py). */
  entrypoints: Record<string, Artifact>;
  pyFiles: Artifact;
  requirements: Artifact;
  /** All of the above, in a stable order. */
  artifacts: Artifact[];
}

export const sha256 = (data: Buffer): string => createHash("sha256").update(data).digest("hex");

export function contentKey(prefix: string, fileName: string, digest: string): string {
  const base = prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/`;
  return `${base}${digest.slice(0, 16)}/${fileName}`;
}

export function makeArtifact(prefix: string, fileName: string, body: Buffer, contentType: string): Artifact {
  const digest = sha256(body);
  return { fileName, body, sha256: digest, key: contentKey(prefix, fileName, digest), contentType };
}

const SKIPPED = (name: string) => name.startsWith(".") || name === "__pycache__" || /\.py[co]$/.test(name);

/** Every file under `dir` (relative paths with forward slashes), skipping caches and dotfiles. */
function walk(dir: string, relative = ""): string[] {
  const files: string[] = [];
  for (const name of readdirSync(path.join(dir, relative)).sort()) {
    if (SKIPPED(name)) continue;
    const rel = relative ? `${relative}/${name}` : name;
    const stat = statSync(path.join(dir, rel));
    if (stat.isDirectory()) files.push(...walk(dir, rel));
    else if (stat.isFile()) files.push(rel);
  }
  return files;
}

/** The package's files as zip entries named with `emr_jobs/` at the root, as `--py-files` (zipimport) expects. */
export function packageEntries(packageDir: string): ZipEntry[] {
  return walk(packageDir).map((rel) => ({
    name: `${path.basename(packageDir)}/${rel}`,
    data: readFileSync(path.join(packageDir, rel)),
  }));
}

/** The package as a deterministic zip (scripts/lib/zip.ts). */
export function zipPackage(packageDir: string): Promise<Buffer> {
  return createZip(packageEntries(packageDir));
}

function required(file: string, what: string): string {
  if (!existsSync(file)) throw new CliError(`${what} not found at ${file}; fix: check --jobs-dir (the spark-jobs/ directory)`);
  return file;
}

/** Reads and packages the jobs under `root` (the spark-jobs/ directory). */
export async function packageJobs(root: string, jobsPrefix: string): Promise<JobBundle> {
  const entryDir = required(path.join(root, "entrypoints"), "the entry scripts directory");
  const packageDir = required(path.join(root, "src", JOBS_PACKAGE), `the ${JOBS_PACKAGE} package`);
  required(path.join(packageDir, "__init__.py"), `${JOBS_PACKAGE}/__init__.py`);
  const requirementsFile = required(path.join(root, "requirements.txt"), "requirements.txt");

  const entrypoints: Record<string, Artifact> = {};
  for (const name of readdirSync(entryDir).filter((n) => n.endsWith(".py") && !n.startsWith("_")).sort()) {
    entrypoints[name.replace(/\.py$/, "")] = makeArtifact(jobsPrefix, name, readFileSync(path.join(entryDir, name)), "text/x-python");
  }
  if (Object.keys(entrypoints).length === 0) throw new CliError(`no entry scripts (*.py) in ${entryDir}`);
  const pyFiles = makeArtifact(jobsPrefix, `${JOBS_PACKAGE}.zip`, await zipPackage(packageDir), "application/zip");
  const requirements = makeArtifact(jobsPrefix, "requirements.txt", readFileSync(requirementsFile), "text/plain");
  return { entrypoints, pyFiles, requirements, artifacts: [...Object.values(entrypoints), pyFiles, requirements] };
}

/** The bundled sample inputs (`data/sample/`), content-addressed under the data bucket's raw prefix. The rules are
 * `rules/ohlcv.json`, the one copy the pipelines' quality gate also reads. */
export function packageSampleData(root: string, rawPrefix: string): { ohlcv: Artifact; qualityRules: Artifact } {
  const dir = path.join(root, "data", "sample");
  const prefix = `${rawPrefix.endsWith("/") ? rawPrefix : `${rawPrefix}/`}sample/`;
  const rules = path.join(root, "rules", "ohlcv.json");
  return {
    ohlcv: makeArtifact(prefix, "ohlcv.csv", readFileSync(required(path.join(dir, "ohlcv.csv"), "sample data")), "text/csv"),
    qualityRules: makeArtifact(prefix, "quality_rules.json", readFileSync(required(rules, "quality rules")), "application/json"),
  };
}
