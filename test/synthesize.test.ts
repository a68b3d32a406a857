/**
 * Synth as an operator runs it, in a child process: a refused config or a policy finding prints one block of findings
 * and exits 1, never a Node or cdktf stack trace.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");
/** A stack frame line as Node prints it: four spaces, "at ". */
const STACK_FRAME = /^ {4}at /m;

/** `tsx <variant entry point>`, or `npm run synth`'s own command when args start with scripts/bin/synth.cjs. */
async function run(args: string[], env: Record<string, string> = {}) {
  const { execa } = await import("execa");
  const outdir = mkdtempSync(join(tmpdir(), "synth-"));
  const file = args[0] === "scripts/bin/synth.cjs" ? process.execPath : TSX;
  return execa(file, args, { cwd: ROOT, reject: false, env: { CDKTF_OUTDIR: outdir, NO_COLOR: "1", ...env } });
}

describe("synth refuses cleanly", () => {
  test("a policy-guard finding prints as one block of findings, without cdktf's stack trace", async () => {
    const result = await run(["test/support/synth-variant.ts", "open-ingress"]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).not.toMatch(STACK_FRAME);
    const lines = result.stderr.trim().split("\n");
    expect(lines[0]).toBe("synth refused: 1 finding");
    expect(lines[1]).toMatch(/^ {2}- emr-dev\/open-ssh: \[policy-guard:no-world-open-ingress\] .*0\.0\.0\.0\/0; fix:/);
    expect(lines[2]).toMatch(/exemption with its reason in policy\/exemptions\.ts/);
  });

  test("an admin CIDR of 0::/0 (which crashed in the guard) is one line from validation", async () => {
    const result = await run(["test/support/synth-variant.ts", "config", JSON.stringify({ access: { adminCidrs: ["0::/0"], keyPairName: "ops" } })]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(result.stderr.trim().split("\n")).toEqual([
      "environments/dev.ts (variant): 1 invalid field",
      expect.stringMatching(/^ {2}- access\.adminCidrs\.0 = "0::\/0": \/0 opens the cluster to the whole internet .*fix:/),
    ]);
  });

  test("npm run synth (main.ts) reports a bad config as its findings and exits 1", async () => {
    const result = await run(["scripts/bin/synth.cjs"], { EMR_LOCAL_ENDPOINT: "not a url" });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(result.stderr).toMatch(/^environments\/local\.ts: 1 invalid field\n {2}- endpoint = "not a url": not a URL; fix:/);
  });
});
