/**
 * The floors (eslint.config.mjs FLOORS; README, Layout): runs ESLint's Node API with the repository's own config over
 * snippets placed in each zone, so a change that weakens a zone fails here, and over the real tree, which must break
 * none.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import type { ESLint as ESLintClass, Linter } from "eslint";

const REPO_ROOT = path.resolve(__dirname, "../..");
const FLOOR_RULES = new Set(["@typescript-eslint/no-restricted-imports", "no-restricted-syntax"]);
/** eslint.config.mjs FLOOR_MAX_DEPTH: the deepest file (folders below the top-level one) the zones cover. */
const FLOOR_MAX_DEPTH = 6;
const ZONED = ["contracts", "environments", "policy", "modules", "scripts"];

let eslint: ESLintClass;

beforeAll(async () => {
  const { ESLint } = await import("eslint");
  eslint = new ESLint({ cwd: REPO_ROOT, overrideConfigFile: path.join(REPO_ROOT, "eslint.config.mjs") });
});

/** The floor messages for `code` linted as if it were `file`. */
async function floorMessages(code: string, file: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(REPO_ROOT, file) });
  return result.messages.filter((m) => m.ruleId !== null && FLOOR_RULES.has(m.ruleId) && !/provider/.test(m.message));
}

/** `../` repeated as deep as `file` is inside its top-level folder: the prefix that reaches the repository root. */
const toRoot = (file: string) => "../".repeat(file.split("/").length - 1);

describe("the floors", () => {
  // [zone, a file in it, a top-level target it may not import]
  const violations: [string, string, string][] = [
    ["contracts imports nothing from the project", "contracts/emr.ts", "environments/errors"],
    ["contracts imports nothing from the project", "contracts/nested/words.ts", "modules/core/account-context"],
    ["environments imports only contracts", "environments/pipelines.ts", "modules/core/account-context"],
    ["environments imports only contracts", "environments/schema.ts", "scripts/plan-summary/cost"],
    ["environments imports only contracts", "environments/checks.ts", "policy/guard"],
    ["policy imports only contracts", "policy/rules/sfn-role-matches-definition.ts", "modules/pipeline/role-derivation"],
    ["policy imports only contracts", "policy/stack-file.ts", "environments/errors"],
    ["policy imports only contracts", "policy/guard.ts", "scripts/lib/errors"],
    ["modules may not import scripts", "modules/emr-cluster/bid-price.ts", "scripts/plan-summary/pricing"],
    ["modules may not import bench", "modules/platform-stack.ts", "bench/run"],
    ["modules may not import test", "modules/pipeline/asl-builder.ts", "test/support/emr-fixture"],
    ["scripts may not import test", "scripts/lib/local-pipeline/run.ts", "test/support/sfn-fixture"],
    ["scripts may not import test", "scripts/cli.ts", "test/support/moto-server"],
  ];

  const forms: [string, (spec: string) => string][] = [
    ["a named import", (spec) => `import { x } from "${spec}";\nexport { x };`],
    ["a type-only import", (spec) => `import type { X } from "${spec}";\nexport type Y = X;`],
    ["a re-export", (spec) => `export * from "${spec}";`],
    ["an import-equals require", (spec) => `import x = require("${spec}");\nexport { x };`],
    ["a dynamic import", (spec) => `export const load = () => import("${spec}");`],
    ["a require call", (spec) => `export const x = require("${spec}");`],
  ];

  describe.each(violations)("%s: %s importing %s", (_zone, file, target) => {
    it.each(forms)("fails on %s", async (_form, write) => {
      const messages = await floorMessages(write(`${toRoot(file)}${target}`), file);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatchObject({ severity: 2 });
      expect(messages[0].message).toMatch(/fix: move the shared word into contracts\//);
    });
  });

  it("names the zone in the message", async () => {
    const [message] = await floorMessages(`import { x } from "../modules/x";\nexport { x };`, "environments/pipelines.ts");
    expect(message).toMatchObject({ ruleId: "@typescript-eslint/no-restricted-imports", line: 1, column: 1 });
    expect(message.message).toMatch(/environments\/ imports only contracts\//);
  });

  it.each([
    ["environments importing contracts", "environments/pipelines.ts", `import { findJob } from "../contracts/job-catalog";`],
    ["environments importing itself", "environments/checks.ts", `import { ConfigError } from "./errors";`],
    ["environments importing a package", "environments/schema.ts", `import { z } from "zod";`],
    ["policy importing contracts", "policy/rules/sfn-role-matches-definition.ts", `import { RESOURCES } from "../../contracts/step-functions";`],
    ["policy importing itself one folder up", "policy/rules/sfn-role-matches-definition.ts", `import { defineRule } from "../rule";`],
    ["policy importing a JSON model inside policy", "policy/api-models/extract.ts", `import m from "./sfn-integrations.json";`],
    ["contracts importing contracts", "contracts/step-functions.ts", `import type { Market } from "./emr";`],
    ["contracts importing a package", "contracts/terraform-literal.ts", `import { Token } from "cdktf";`],
    ["modules importing environments, policy and contracts", "modules/pipeline/asl-builder.ts", `import "../../environments/pipelines";\nimport "../../policy/guard";\nimport "../../contracts/emr";`],
    ["modules importing a sibling module", "modules/pipeline/asl-builder.ts", `import { x } from "../emr-cluster/cluster-spec";`],
    ["scripts importing modules, policy and environments", "scripts/lib/local-pipeline/run.ts", `import "../../../modules/synthesize";\nimport "../../../policy";\nimport "../../../environments";`],
    ["test importing anything", "test/modules/example.test.ts", `import "../../scripts/cli";\nimport "../../bench/run";`],
    ["bench importing test and scripts", "bench/run.ts", `import "../test/support/emr-fixture";\nimport "../scripts/cli";`],
  ])("allows %s", async (_name, file, code) => {
    expect(await floorMessages(code, file)).toEqual([]);
  });

  it.each(ZONED)(`covers a file ${FLOOR_MAX_DEPTH} folders deep in %s`, async (zone) => {
    const file = `${zone}/${"deep/".repeat(FLOOR_MAX_DEPTH - 1)}file.ts`;
    const target = zone === "modules" || zone === "scripts" ? "test/support/x" : "bench/run";
    expect(await floorMessages(`import "${toRoot(file)}${target}";`, file)).toHaveLength(1);
  });

  it("keeps the provider ban inside a zone (a zone's block restates it)", async () => {
    const [result] = await eslint.lintText(`import { EmrCluster } from "@cdktf/provider-aws";\nexport { EmrCluster };`, {
      filePath: path.join(REPO_ROOT, "modules/emr-cluster/snippet.ts"),
    });
    expect(result.messages.filter((m) => /~10x synth time/.test(m.message))).toHaveLength(1);
  });

  it("has no zoned file deeper than the zones cover", () => {
    const depthOf = (dir: string, depth: number): number =>
      Math.max(
        depth,
        ...readdirSync(dir, { withFileTypes: true })
          .filter((e) => e.isDirectory() && e.name !== "node_modules")
          .map((e) => depthOf(path.join(dir, e.name), depth + 1)),
      );
    expect(Math.max(...ZONED.map((zone) => depthOf(path.join(REPO_ROOT, zone), 1)))).toBeLessThanOrEqual(FLOOR_MAX_DEPTH);
  });

  it("the real tree breaks no floor", async () => {
    const results = await eslint.lintFiles(ZONED);
    const broken = results.flatMap((r) =>
      r.messages
        .filter((m) => m.ruleId !== null && FLOOR_RULES.has(m.ruleId))
        .map((m) => `${path.relative(REPO_ROOT, r.filePath)}:${m.line} ${m.message}`),
    );
    expect(results.length).toBeGreaterThan(100);
    expect(broken).toEqual([]);
  });
});
