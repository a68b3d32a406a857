import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
  bootstrapObjectKey,
  DEFAULT_REQUIREMENTS_FILE,
  readRequirementPins,
  renderBootstrapScript,
} from "../../modules/emr-cluster/bootstrap-script";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "emr-bootstrap-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function requirements(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe("readRequirementPins", () => {
  test("the repository's spark-jobs/requirements.txt is all exact pins", () => {
    const pins = readRequirementPins(DEFAULT_REQUIREMENTS_FILE);
    const lines = readFileSync(DEFAULT_REQUIREMENTS_FILE, "utf8")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#"));
    expect(pins).toEqual(lines);
    for (const pin of pins) expect(pin).toMatch(/^[A-Za-z0-9._-]+==\S+$/);
  });

  test("skips comments and blank lines, keeps extras and environment markers", () => {
    const file = requirements(
      "ok.txt",
      "# runtime pins\n\nnumpy==1.26.4  # arrays\r\npandas[performance]==2.2.3\ntzdata==2024.2 ; sys_platform == \"win32\"\n",
    );
    expect(readRequirementPins(file)).toEqual(["numpy==1.26.4", "pandas[performance]==2.2.3", 'tzdata==2024.2 ; sys_platform == "win32"']);
  });

  test("fails if the requirements file is missing, naming the file", () => {
    expect(() => readRequirementPins(path.join(dir, "missing", "requirements.txt"))).toThrow(/missing[/\\]requirements\.txt: not found; fix:/);
  });

  test("fails if a line is a range instead of an exact pin, naming every bad line", () => {
    const file = requirements("ranges.txt", "numpy==1.26.4\npandas>=2.2\npyarrow\n");
    expect(() => readRequirementPins(file)).toThrow(/line 2 "pandas>=2.2" is not an exact pin; line 3 "pyarrow" is not an exact pin/);
  });

  test("fails if the file includes another file, points at an index or installs from a URL", () => {
    for (const line of ["-r other.txt", "--index-url https://example.invalid/simple", "pkg @ https://example.invalid/pkg.whl"]) {
      const file = requirements("options.txt", `${line}\n`);
      expect(() => readRequirementPins(file)).toThrow(/is not an exact pin/);
    }
  });

  test("fails if the file has no pins", () => {
    expect(() => readRequirementPins(requirements("empty.txt", "# nothing yet\n\n"))).toThrow(/empty\.txt: no pins found/);
  });

  test("errors are one line", () => {
    const file = requirements("bad.txt", "a>=1\nb<2\n");
    expect(() => readRequirementPins(file)).toThrow(/^[^\n]+$/);
  });
});

describe("renderBootstrapScript", () => {
  const pins = ["numpy==1.26.4", "pandas==2.2.3", "pyarrow==17.0.0"];
  const script = renderBootstrapScript(pins);

  test("is strict bash that installs exactly the pins with python3.11's pip, wheels only", () => {
    expect(script.startsWith("#!/bin/bash\n")).toBe(true);
    expect(script).toContain("\nset -euo pipefail\n");
    expect(script).toContain("readonly PYTHON=/usr/bin/python3.11\n");
    expect(script).toContain("readonly PINS=(\n  'numpy==1.26.4'\n  'pandas==2.2.3'\n  'pyarrow==17.0.0'\n)\n");
    expect(script).toMatch(/sudo "\$PYTHON" -m pip install --no-cache-dir --disable-pip-version-check --only-binary=:all: \\\n\s+--retries 5 --timeout 60 "\$\{PINS\[@\]\}"\n/);
  });

  test("installs pip for python3.11 only when it is missing (idempotent on rerun)", () => {
    expect(script).toMatch(/if \[\[ ! -x "\$PYTHON" \]\] \|\| ! "\$PYTHON" -m pip --version >\/dev\/null 2>&1; then\n\s+sudo dnf install -y python3.11 python3.11-pip\nfi/);
  });

  test("is valid bash syntax", () => {
    const file = path.join(dir, "bootstrap.sh");
    writeFileSync(file, script);
    expect(() => execFileSync("bash", ["-n", file], { stdio: "pipe" })).not.toThrow();
  });
});

describe("bootstrapObjectKey", () => {
  test("is bootstrap/install-python-deps-<16 hex of sha256>.sh and stable for the same script", () => {
    const key = bootstrapObjectKey(renderBootstrapScript(["numpy==1.26.4"]));
    expect(key).toMatch(/^bootstrap\/install-python-deps-[0-9a-f]{16}\.sh$/);
    expect(bootstrapObjectKey(renderBootstrapScript(["numpy==1.26.4"]))).toBe(key);
  });

  test("changes when a pin changes", () => {
    expect(bootstrapObjectKey(renderBootstrapScript(["numpy==1.26.4"]))).not.toBe(
      bootstrapObjectKey(renderBootstrapScript(["numpy==1.26.3"])),
    );
  });
});
