/** `npm run summary` end to end: the real script in a child process, over a stack synthesized into a temp dir. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { POLICY_RULES } from "../../policy";
import { buildStack, synthesizeTo } from "./fixtures";

const ROOT = resolve(__dirname, "../..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");

async function summary(args: string[]) {
  const { execa } = await import("execa");
  return execa(TSX, ["scripts/plan-summary/cli.ts", ...args], { cwd: ROOT, reject: false, env: { NO_COLOR: "1" } });
}

describe("npm run summary", () => {
  const outdir = synthesizeTo(buildStack("dev", { bastion: true }));

  it("prints one environment's summary from its synthesized stack", async () => {
    // The bastion exemption used at synth is not in PLATFORM_EXEMPTIONS, so the summary reports it as a violation.
    const result = await summary(["--env", "dev", "--outdir", outdir]);
    expect(result.stdout).toMatch(/^emr-dev {2}\(dev, eu-west-1\)/);
    expect(result.stdout).toContain("custom autoscaling on the task group: 0–4 instances");
    expect(result.stdout).toContain(`${POLICY_RULES.length} rules, 1 violation, 0 exempted`);
    expect(result.stdout).toMatch(/Prices: AWS EC2 On-Demand pricing page.*compiled \d{4}-\d{2}-\d{2}/);
    expect(result.stderr).toContain("emr-dev: policy guard reports 1 violation(s)");
    expect(result.exitCode).toBe(1);
  });

  it("emits JSON with --json", async () => {
    const clean = synthesizeTo(buildStack("dev"), []);
    const result = await summary(["--env", "dev", "--outdir", clean, "--json"]);
    expect(result.exitCode).toBe(0);
    const parsed = JSON.parse(result.stdout);
    expect(parsed.prices).toEqual(expect.objectContaining({ currency: "USD", spot: expect.objectContaining({ discountOffOnDemand: expect.any(Number) }) }));
    expect(parsed.prices.kinesis.source).toMatch(/aws\.amazon\.com\/kinesis\/data-streams\/pricing/);
    expect(parsed.environments).toHaveLength(1);
    expect(parsed.environments[0]).toMatchObject({ stackId: "emr-dev", resources: { total: 6 }, policyGuard: { violations: [] } });
    expect(parsed.environments[0].cost.max.hourly).toBeGreaterThan(parsed.environments[0].cost.min.hourly);
  });

  it("fails if the stack was not synthesized, telling the user to run synth", async () => {
    const empty = mkdtempSync(join(tmpdir(), "summary-empty-"));
    const result = await summary(["--env", "staging", "--outdir", empty]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain("resources       not synthesized:");
    expect(result.stderr).toMatch(/emr-staging: .*stacks\/emr-staging\/cdk\.tf\.json not found; fix: run `npm run synth` first/);
  });

  it("fails if the Kinesis price table is not JSON, naming the file in one line", async () => {
    const bad = join(mkdtempSync(join(tmpdir(), "summary-prices-")), "kinesis-prices.json");
    writeFileSync(bad, "{");
    const result = await summary(["--env", "dev", "--outdir", outdir, "--kinesis-prices", bad]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toBe(`summary: ${bad}: not valid JSON`);
  });

  it("fails if the environment is unknown, with one line and no stack trace", async () => {
    const result = await summary(["--env", "qa", "--outdir", outdir]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toBe('summary: unknown environment "qa"; fix: use one of dev, staging, prod, local');
  });
});
