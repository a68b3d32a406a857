/**
 * The environment's synthesized stack, read the way Terraform would apply it: the state machines' definitions with
 * every Terraform reference resolved to a local stand-in (buckets to their names, the topic and roles to ARNs, the
 * environment's cluster to a local id), and the aws_s3_object resources deploy would upload.
 *
 * By default the stack is synthesized in-process into a temporary directory from the checked-out code (the same
 * EmrPlatformStack and synth checks as `npm run synth`), so a change to a pipeline is what runs; cdktf.out may be
 * stale or absent. `--stack-json` reads a given cdk.tf.json instead (what a reviewer of a synth output would run).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { terraformRendered } from "../../../contracts/terraform-literal";
import type * as Environments from "../../../environments";
import type * as Outputs from "../../../contracts/stack-outputs";
import type * as PlatformStack from "../../../modules/platform-stack";
import type * as Synthesize from "../../../modules/synthesize";
import { CliError } from "../errors";
import type { Json } from "./errors";

type Resources = Record<string, Record<string, Record<string, Json>>>;
export interface StackJson {
  resource?: Resources;
  provider?: Record<string, Record<string, Json>[]>;
}

export interface LocalStateMachine {
  /** Pipeline name as declared (environments/pipelines.ts), e.g. financialDaily. */
  readonly pipeline: string;
  readonly name: string;
  readonly arn: string;
  /** The definition with references resolved, as JSON text. */
  readonly definition: string;
}

export interface DeclaredObject {
  readonly bucket: string;
  readonly key: string;
  /** Inline content (Terraform `content`), or the file Terraform would upload (`source`). */
  readonly content?: string;
  readonly source?: string;
  /** Why the object cannot be seeded locally (a source computed at apply time). */
  readonly skipped?: string;
}

export const LOCAL_ACCOUNT = "000000000000";

export class LocalStack {
  private readonly resources: Resources;
  readonly region: string;

  /** `stackDir`: where Terraform would run, against which relative `source` paths resolve. */
  constructor(
    readonly json: StackJson,
    readonly stackDir: string,
    readonly repoRoot: string,
    readonly environment: string,
  ) {
    this.resources = json.resource ?? {};
    const provider = json.provider?.aws?.[0];
    this.region = typeof provider?.region === "string" ? provider.region : "us-east-1";
  }

  /** A bucket resource's name: its `bucket`, else its `bucket_prefix` without the trailing `-`, else the resource id. */
  bucketName(id: string): string {
    const bucket = this.resources.aws_s3_bucket?.[id];
    if (typeof bucket?.bucket === "string" && !bucket.bucket.includes("${")) return bucket.bucket;
    if (typeof bucket?.bucket_prefix === "string") return bucket.bucket_prefix.replace(/-+$/, "");
    return id;
  }

  /** The name of the bucket whose resource id names it (`storage_artifacts_bucket_…` → "artifacts"). */
  bucketFor(role: "artifacts" | "data" | "logs"): string | undefined {
    const id = Object.keys(this.resources.aws_s3_bucket ?? {}).find((k) => k.includes(`_${role}_`) || k.startsWith(`${role}_`));
    return id === undefined ? undefined : this.bucketName(id);
  }

  /** One `${type.id.attribute}` reference → its local stand-in. */
  reference(ref: string): string {
    const [type, id, attribute] = ref.split(".");
    const name = (this.resources[type]?.[id]?.name as string | undefined) ?? id;
    switch (type) {
      case "aws_s3_bucket":
        return attribute === "arn" ? `arn:aws:s3:::${this.bucketName(id)}` : this.bucketName(id);
      case "aws_sns_topic":
        return `arn:aws:sns:${this.region}:${LOCAL_ACCOUNT}:${name}`;
      case "aws_iam_role":
        return attribute === "arn" ? `arn:aws:iam::${LOCAL_ACCOUNT}:role/${name}` : name;
      case "aws_emr_cluster":
        return `j-LOCAL${id.replace(/[^A-Za-z0-9]/g, "").toUpperCase().slice(-10)}`;
      case "aws_kms_key":
        return `arn:aws:kms:${this.region}:${LOCAL_ACCOUNT}:key/local`;
      default:
        return `local-${type}-${id}-${attribute ?? ""}`;
    }
  }

  /** Resolves the Terraform references of one string value, then renders `$${` escapes as Terraform does. */
  render(text: string): string {
    const resolved = text.replace(/(?<!\$)\$\{([a-z0-9_]+\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_]+)?)\}/g, (_m, ref: string) => this.reference(ref));
    return terraformRendered(resolved);
  }

  stateMachines(): LocalStateMachine[] {
    return Object.values(this.resources.aws_sfn_state_machine ?? {}).map((sm) => {
      const name = String(sm.name);
      // State machines are named <project>-<env>-<pipeline in kebab case> (modules/pipeline/platform-pipelines.ts).
      const marker = `-${this.environment}-`;
      const kebab = name.includes(marker) ? name.slice(name.indexOf(marker) + marker.length) : name;
      const pipeline = kebab.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
      return { pipeline, name, arn: `arn:aws:states:${this.region}:${LOCAL_ACCOUNT}:stateMachine:${name}`, definition: this.render(String(sm.definition)) };
    });
  }

  /** Every aws_s3_object the stack declares, with its bucket resolved. */
  objects(): DeclaredObject[] {
    return Object.values(this.resources.aws_s3_object ?? {}).map((o) => {
      const bucket = this.render(String(o.bucket));
      const key = this.render(String(o.key));
      if (typeof o.content === "string") return { bucket, key, content: this.render(o.content) };
      const source = typeof o.source === "string" ? o.source : undefined;
      if (!source) return { bucket, key, skipped: "no content or source" };
      if (source.includes("${")) return { bucket, key, skipped: `its source is computed at apply time (${source})` };
      const candidates = path.isAbsolute(source) ? [source] : [path.resolve(this.stackDir, source), path.resolve(this.repoRoot, source)];
      const found = candidates.find((c) => existsSync(c));
      return found ? { bucket, key, source: found } : { bucket, key, skipped: `its source ${source} does not exist` };
    });
  }
}

/** Reads a synthesized stack JSON (cdktf.out/stacks/emr-<env>/cdk.tf.json). */
export function readStack(file: string, repoRoot: string, environment: string, stackDir = path.dirname(file)): LocalStack {
  return new LocalStack(JSON.parse(readFileSync(file, "utf8")) as StackJson, stackDir, repoRoot, environment);
}

/**
 * Synthesizes one environment's stack in-process, as `npm run synth` does for all of them, and reads it. Refused
 * configs and policy findings come back as the same block of findings synth prints.
 */
export function synthesizeStack(environment: string, repoRoot: string): { stack: LocalStack; cleanup: () => void } {
  // Loaded only here: cdktf and the provider classes cost seconds, which the CLI's other commands should not pay.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { loadEnvironment } = require("../../../environments") as typeof Environments;
  const { EmrPlatformStack } = require("../../../modules/platform-stack") as typeof PlatformStack;
  const { stackId } = require("../../../contracts/stack-outputs") as typeof Outputs;
  const { synthesize } = require("../../../modules/synthesize") as typeof Synthesize;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const outdir = mkdtempSync(path.join(tmpdir(), "emr-local-synth-"));
  let refused = "";
  const code = synthesize((app) => void new EmrPlatformStack(app, stackId(environment), loadEnvironment(environment)), {
    app: { outdir },
    stderr: (text) => (refused += `${text}\n`),
  });
  if (code !== 0) {
    rmSync(outdir, { recursive: true, force: true });
    throw new CliError(`synth of ${environment} refused:\n${refused.trimEnd()}`);
  }
  const file = path.join(outdir, "stacks", stackId(environment), "cdk.tf.json");
  // Relative `source` paths are relative to where Terraform runs (cdktf.out/stacks/<stack>/ in the checkout), not to
  // this temporary synth directory.
  const stackDir = path.join(repoRoot, "cdktf.out", "stacks", stackId(environment));
  return { stack: readStack(file, repoRoot, environment, stackDir), cleanup: () => rmSync(outdir, { recursive: true, force: true }) };
}
