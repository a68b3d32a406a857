/**
 * The bootstrap action that installs the Spark jobs' pinned Python dependencies on every node.
 *
 * The pins from spark-jobs/requirements.txt are inlined into the script, and the object key carries a hash of the
 * script, so a pin change is a new object at a new key and the cluster's bootstrap action points at exactly the
 * script it was created with. (Bootstrap actions run only when a node starts, so the change replaces the cluster.)
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../../environments/errors";
import { PREFIXES } from "../../contracts/stack-outputs";
import { CLUSTER_PYTHON } from "./classifications";

/** spark-jobs/requirements.txt at the repository root. */
export const DEFAULT_REQUIREMENTS_FILE = path.resolve(__dirname, "..", "..", "spark-jobs", "requirements.txt");

const SCRIPT_NAME = "install-python-deps";

/** name[extras]==version, optionally followed by an environment marker. No ranges, URLs, options or includes. */
const EXACT_PIN = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?(?:\[[A-Za-z0-9._,-]+\])?==[A-Za-z0-9.+!_-]+(?:\s*;\s*[^'\\]+)?$/;

function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith("..") ? relative : file;
}

/** The exact pins in `file`; throws one ConfigError naming the file (and every bad line) when it can't be used. */
export function readRequirementPins(file: string = DEFAULT_REQUIREMENTS_FILE): string[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "not found" : `unreadable (${(error as Error).message})`;
    throw new ConfigError(`${shown(file)}: ${reason}; fix: create it with the jobs' exact runtime pins, one per line, e.g. pandas==2.2.3`);
  }
  const pins: string[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    if (line === "") return;
    if (EXACT_PIN.test(line)) pins.push(line);
    else problems.push(`line ${index + 1} "${line}" is not an exact pin`);
  });
  if (problems.length > 0) {
    throw new ConfigError(
      `${shown(file)}: ${problems.join("; ")}; fix: write name==version (the cluster installs exactly these)`,
      problems,
    );
  }
  if (pins.length === 0) {
    throw new ConfigError(`${shown(file)}: no pins found; fix: list the jobs' runtime dependencies, e.g. pandas==2.2.3`);
  }
  return pins;
}

/** The script text (plain; escape it with terraformLiteral() before it goes into Terraform JSON). */
export function renderBootstrapScript(pins: readonly string[]): string {
  const pinLines = pins.map((pin) => `  '${pin}'`).join("\n");
  return `#!/bin/bash
# Installs the Spark jobs' pinned Python dependencies for ${CLUSTER_PYTHON} on every node of an EMR 7 cluster
# (Amazon Linux 2023). Generated from spark-jobs/requirements.txt by modules/emr-cluster: change the pins there.
# Safe to rerun: dnf and pip skip what is already installed.
set -euo pipefail

readonly PYTHON=${CLUSTER_PYTHON}
readonly PINS=(
${pinLines}
)

if [[ ! -x "$PYTHON" ]] || ! "$PYTHON" -m pip --version >/dev/null 2>&1; then
  sudo dnf install -y python3.11 python3.11-pip
fi

# Wheels only: nodes have no compilers, and a source build would be slow and differ from what the tests ran.
sudo "$PYTHON" -m pip install --no-cache-dir --disable-pip-version-check --only-binary=:all: \\
  --retries 5 --timeout 60 "\${PINS[@]}"
`;
}

/** `bootstrap/install-python-deps-<sha256 prefix>.sh`: a new key whenever the script changes. */
export function bootstrapObjectKey(script: string): string {
  const digest = createHash("sha256").update(script).digest("hex").slice(0, 16);
  return `${PREFIXES.bootstrap}${SCRIPT_NAME}-${digest}.sh`;
}
