/**
 * The lint rule that keeps provider imports on submodules: runs ESLint's Node API with the repository's own
 * eslint.config.mjs over snippets, so a change to the config that weakens the ban fails here.
 */
import path from "node:path";
import type { ESLint as ESLintClass, Linter } from "eslint";

const REPO_ROOT = path.resolve(__dirname, "../..");
const BAN_RULES = new Set(["@typescript-eslint/no-restricted-imports", "no-restricted-syntax"]);

let eslint: ESLintClass;

beforeAll(async () => {
  const { ESLint } = await import("eslint");
  eslint = new ESLint({ cwd: REPO_ROOT, overrideConfigFile: path.join(REPO_ROOT, "eslint.config.mjs") });
});

/** The ban's messages for a snippet linted as if it were a file under modules/. */
async function banMessages(code: string, file = "modules/snippet.ts"): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(REPO_ROOT, file) });
  return result.messages.filter((m) => m.ruleId !== null && BAN_RULES.has(m.ruleId));
}

describe("no provider imports from the package root", () => {
  it.each([
    ["a named import from the aws provider root", `import { EmrCluster } from "@cdktf/provider-aws";`],
    ["a namespace import from the aws provider root", `import * as aws from "@cdktf/provider-aws";`],
    ["a type-only import from the aws provider root", `import type { EmrCluster } from "@cdktf/provider-aws";`],
    ["the aws provider's lib barrel", `import { emrCluster } from "@cdktf/provider-aws/lib";`],
    ["the aws provider's lib index", `import { emrCluster } from "@cdktf/provider-aws/lib/index";`],
    ["a re-export of the aws provider root", `export * from "@cdktf/provider-aws";`],
    ["the tls provider root", `import { PrivateKey } from "@cdktf/provider-tls";`],
    ["the archive provider root", `import { DataArchiveFile } from "@cdktf/provider-archive";`],
    ["an import-equals require of the root", `import aws = require("@cdktf/provider-aws");`],
    ["a dynamic import of the root", `export const load = () => import("@cdktf/provider-aws");`],
    ["a require call of the root", `export const aws = require("@cdktf/provider-aws");`],
  ])("fails on %s", async (_name, code) => {
    const messages = await banMessages(code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ severity: 2 });
    expect(messages[0].message).toMatch(/@cdktf\/provider-aws\/lib\/emr-cluster/);
    expect(messages[0].message).toMatch(/~10x synth time and memory/);
  });

  it("reports the rule id and position of the offending import", async () => {
    const messages = await banMessages(`import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";\nimport { EmrCluster } from "@cdktf/provider-aws";\n`);
    expect(messages).toEqual([expect.objectContaining({ ruleId: "@typescript-eslint/no-restricted-imports", line: 2, column: 1 })]);
  });

  it.each([
    ["the emr-cluster submodule", `import { EmrCluster } from "@cdktf/provider-aws/lib/emr-cluster";`],
    ["the aws provider submodule", `import { AwsProvider } from "@cdktf/provider-aws/lib/provider";`],
    ["a tls submodule", `import { SelfSignedCert } from "@cdktf/provider-tls/lib/self-signed-cert";`],
    ["an archive data source submodule", `import { DataArchiveFile } from "@cdktf/provider-archive/lib/data-archive-file";`],
    ["a dynamic import of a submodule", `export const load = () => import("@cdktf/provider-aws/lib/s3-bucket");`],
    ["cdktf itself", `import { TerraformStack } from "cdktf";`],
  ])("allows %s", async (_name, code) => {
    expect(await banMessages(code)).toEqual([]);
  });

  it.each(["main.ts", "scripts/emr.ts", "environments/dev.ts", "test/modules/example.test.ts", "bench/run.ts"])(
    "applies to %s",
    async (file) => {
      expect(await banMessages(`import { EmrCluster } from "@cdktf/provider-aws";`, file)).toHaveLength(1);
    },
  );
});
