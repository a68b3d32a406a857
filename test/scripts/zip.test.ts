// The zip writer is checked by Python's own zipfile/zipimport (real, not mocked): what Spark's --py-files relies on.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createZip } from "../../scripts/lib/zip";
import { REPO_ROOT } from "../support/moto-server";

function python(script: string, ...args: string[]): string {
  return execFileSync("python3", ["-c", script, ...args], { encoding: "utf8" });
}

function writeTemp(name: string, data: Buffer): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "zip-")), name);
  writeFileSync(file, data);
  return file;
}

const entries = [
  { name: "pkg/mod.py", data: Buffer.from("VALUE = 42\n".repeat(50)) },
  { name: "pkg/__init__.py", data: Buffer.from("") },
  { name: "pkg/sub/data.json", data: Buffer.from('{"ü": "naïve"}') },
];

describe("createZip", () => {
  it("writes an archive Python's zipfile reads back entry for entry, with valid CRCs", async () => {
    const file = writeTemp("a.zip", await createZip(entries));
    const out = python(
      "import json,sys,zipfile\n" +
        "z=zipfile.ZipFile(sys.argv[1])\n" +
        "print(json.dumps({'bad': z.testzip(), 'names': z.namelist(), 'mod': z.read('pkg/mod.py').decode(), 'data': z.read('pkg/sub/data.json').decode('utf8'),\n" +
        " 'dates': sorted({i.date_time for i in z.infolist()}), 'types': sorted({i.compress_type for i in z.infolist()}), 'modes': sorted({i.external_attr >> 16 for i in z.infolist()})}))",
      file,
    );
    const parsed = JSON.parse(out);
    expect(parsed.bad).toBeNull();
    expect(parsed.names).toEqual(["pkg/__init__.py", "pkg/mod.py", "pkg/sub/data.json"]);
    expect(parsed.mod).toBe("VALUE = 42\n".repeat(50));
    expect(parsed.data).toBe('{"ü": "naïve"}');
    expect(parsed.dates).toEqual([[1980, 1, 1, 0, 0, 0]]);
    // 8 = deflated (mod.py shrinks), 0 = stored (the empty __init__.py cannot)
    expect(parsed.types).toEqual([0, 8]);
    expect(parsed.modes).toEqual([0o100644]);
  });

  it("is importable with zipimport, which is how --py-files puts the package on the path", async () => {
    const file = writeTemp("pkg.zip", await createZip(entries));
    expect(python("import sys; sys.path.insert(0, sys.argv[1]); import pkg.mod; print(pkg.mod.VALUE)", file).trim()).toBe("42");
  });

  it("gives identical bytes for the same entries in any order", async () => {
    const a = await createZip(entries);
    const b = await createZip([...entries].reverse());
    expect(b.equals(a)).toBe(true);
  });

  // The former hand-written writer produced these bytes too, except "version made by" (yazl writes 0x033f, Unix 6.3;
  // it wrote 0x0314): a changed hash here means a dependency changed the format, and every job's upload key with it.
  const PINNED_SHA256 = "c28f48a674b155446d107eca4d111d89adbf6046d76b63eb1633db60d4be798c";

  it("writes the pinned bytes in every time zone (DOS times are local; 1980-01-01 00:00 must not shift)", async () => {
    expect(createHash("sha256").update(await createZip(entries)).digest("hex")).toBe(PINNED_SHA256);
    const script =
      'const { createZip } = require("./scripts/lib/zip");' +
      `createZip(${JSON.stringify(entries.map((e) => ({ name: e.name, text: e.data.toString("utf8") })))}.map((e) => ({ name: e.name, data: Buffer.from(e.text) })))` +
      '.then((zip) => process.stdout.write(require("node:crypto").createHash("sha256").update(zip).digest("hex")));';
    for (const tz of ["Pacific/Kiritimati", "America/Los_Angeles"]) {
      const env = { ...process.env, TZ: tz };
      expect(execFileSync(process.execPath, ["--require", "tsx/cjs", "-e", script], { cwd: REPO_ROOT, env, encoding: "utf8" })).toBe(PINNED_SHA256);
    }
  });

  it("changes bytes when one entry's content changes", async () => {
    const changed = entries.map((e) => (e.name === "pkg/mod.py" ? { ...e, data: Buffer.from("VALUE = 43\n") } : e));
    expect((await createZip(changed)).equals(await createZip(entries))).toBe(false);
  });

  it("writes a valid empty archive", async () => {
    const file = writeTemp("empty.zip", await createZip([]));
    expect(python("import sys,zipfile; print(len(zipfile.ZipFile(sys.argv[1]).namelist()))", file).trim()).toBe("0");
  });

  it("fails if two entries have the same name", async () => {
    await expect(createZip([entries[0], entries[0]])).rejects.toThrow(/duplicate zip entry pkg\/mod.py/);
  });

  it.each(["/abs.py", "../escape.py", "a\\b.py", "a//b.py", ""])("fails if an entry name is not a relative forward-slash path (%p)", async (name) => {
    await expect(createZip([{ name, data: Buffer.from("x") }])).rejects.toThrow(/zip entry name/);
  });
});
