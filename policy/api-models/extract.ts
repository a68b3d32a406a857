/**
 * Regenerates policy/api-models/sfn-integrations.json: the input shapes of the AWS API calls our state machines make,
 * taken from botocore's service models (the same JSON models the AWS SDKs and the API reference are generated from)
 * and trimmed to what the guard checks: member names, required members, JSON types, enums.
 *
 *   npx tsx policy/api-models/extract.ts          # rewrite the vendored file from .venv-tools' botocore
 *   npx tsx policy/api-models/extract.ts --check  # exit 1 when the vendored file differs from what botocore gives
 *
 * botocore comes with the tools venv (moto, checkov: requirements-tools.txt); test/policy/sfn-definition-rules.test.ts
 * compares the vendored file with this extraction whenever that venv is present.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";

/** The calls to model: `<botocore service dir>/<api version>` and operation names. */
export const MODELLED_OPERATIONS = {
  "emr/2009-03-31": ["RunJobFlow", "AddJobFlowSteps", "DescribeCluster", "SetUnhealthyNodeReplacement"],
  "s3/2006-03-01": ["GetObject", "HeadObject"],
  "stepfunctions/2016-11-23": ["ListExecutions"],
  "sns/2010-03-31": ["Publish"],
  "emr-serverless/2021-07-13": ["StartJobRun"],
} as const;

export type TrimmedShape =
  | { readonly type: "structure"; readonly members: Record<string, string>; readonly required?: readonly string[] }
  | { readonly type: "list"; readonly member: string }
  | { readonly type: "map"; readonly key: string; readonly value: string }
  | { readonly type: "string"; readonly enum?: readonly string[] }
  | { readonly type: "integer" | "long" | "double" | "float" | "boolean" | "timestamp" | "blob" };

export interface ApiModels {
  readonly source: string;
  readonly botocore: string;
  /** `emr:RunJobFlow` → its input shape, `emr:RunJobFlowInput`. */
  readonly operations: Record<string, string>;
  /** Shape names are prefixed with their service (`emr:StepConfig`) so services cannot collide. */
  readonly shapes: Record<string, TrimmedShape>;
}

export const VENDORED_PATH = join(__dirname, "sfn-integrations.json");

/** botocore's data directory in the tools venv, or undefined when the venv (or botocore) is absent. */
export function findBotocoreData(root = resolve(__dirname, "../..")): { dir: string; version: string } | undefined {
  const lib = join(root, ".venv-tools", "lib");
  if (!existsSync(lib)) return undefined;
  for (const python of readdirSync(lib).filter((d) => d.startsWith("python")).sort()) {
    const botocore = join(lib, python, "site-packages", "botocore");
    if (!existsSync(join(botocore, "data"))) continue;
    const version = /__version__ = '([^']+)'/.exec(readFileSync(join(botocore, "__init__.py"), "utf8"))?.[1] ?? "unknown";
    return { dir: join(botocore, "data"), version };
  }
  return undefined;
}

interface RawMember {
  readonly shape: string;
}
interface RawShape {
  readonly type: string;
  readonly members?: Record<string, RawMember>;
  readonly required?: readonly string[];
  readonly member?: RawMember;
  readonly key?: RawMember;
  readonly value?: RawMember;
  readonly enum?: readonly string[];
}
interface RawModel {
  readonly shapes: Record<string, RawShape>;
  readonly operations: Record<string, { readonly input?: RawMember }>;
}

function readModel(dataDir: string, serviceDir: string): RawModel {
  const base = join(dataDir, serviceDir, "service-2.json");
  if (existsSync(base)) return JSON.parse(readFileSync(base, "utf8"));
  return JSON.parse(gunzipSync(readFileSync(`${base}.gz`)).toString("utf8"));
}

function trim(raw: RawShape, ref: (name: string) => string): TrimmedShape {
  switch (raw.type) {
    case "structure": {
      const members = Object.fromEntries(Object.entries(raw.members ?? {}).map(([name, m]) => [name, ref(m.shape)]));
      return raw.required?.length ? { type: "structure", members, required: [...raw.required].sort() } : { type: "structure", members };
    }
    case "list":
      return { type: "list", member: ref(raw.member!.shape) };
    case "map":
      return { type: "map", key: ref(raw.key!.shape), value: ref(raw.value!.shape) };
    case "string":
      return raw.enum ? { type: "string", enum: [...raw.enum] } : { type: "string" };
    default:
      return { type: raw.type as "integer" };
  }
}

export function extractModels(data: { dir: string; version: string }): ApiModels {
  const operations: Record<string, string> = {};
  const shapes: Record<string, TrimmedShape> = {};
  for (const [serviceDir, names] of Object.entries(MODELLED_OPERATIONS)) {
    const model = readModel(data.dir, serviceDir);
    const prefix = serviceDir.split("/")[0];
    const ref = (name: string) => `${prefix}:${name}`;
    const visit = (name: string) => {
      if (ref(name) in shapes) return;
      const raw = model.shapes[name];
      if (!raw) throw new Error(`${serviceDir}: shape ${name} not in the model`);
      const shape = trim(raw, ref);
      shapes[ref(name)] = shape;
      const children =
        shape.type === "structure" ? Object.values(raw.members ?? {}).map((m) => m.shape)
        : shape.type === "list" ? [raw.member!.shape]
        : shape.type === "map" ? [raw.key!.shape, raw.value!.shape]
        : [];
      children.forEach(visit);
    };
    for (const op of names) {
      const input = model.operations[op]?.input?.shape;
      if (!input) throw new Error(`${serviceDir}: operation ${op} has no input shape`);
      operations[`${prefix}:${op}`] = ref(input);
      visit(input);
    }
  }
  const sorted = Object.fromEntries(Object.entries(shapes).sort(([a], [b]) => a.localeCompare(b)));
  return { source: "botocore/data/<service>/<version>/service-2.json, trimmed by policy/api-models/extract.ts", botocore: data.version, operations, shapes: sorted };
}

export const serialize = (models: ApiModels): string => `${JSON.stringify(models, null, 1)}\n`;

if (require.main === module) {
  const data = findBotocoreData();
  if (!data) {
    process.stderr.write("botocore not found under .venv-tools; fix: npm run setup\n");
    process.exit(1);
  }
  const text = serialize(extractModels(data));
  if (process.argv.includes("--check")) {
    const same = existsSync(VENDORED_PATH) && readFileSync(VENDORED_PATH, "utf8") === text;
    process.stdout.write(same ? "policy/api-models/sfn-integrations.json matches botocore\n" : `policy/api-models/sfn-integrations.json differs from botocore ${data.version}; fix: npx tsx policy/api-models/extract.ts\n`);
    process.exit(same ? 0 : 1);
  }
  writeFileSync(VENDORED_PATH, text);
  process.stdout.write(`wrote ${VENDORED_PATH} from botocore ${data.version}\n`);
}
