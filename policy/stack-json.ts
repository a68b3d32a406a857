/**
 * A read-only view of a synthesized stack (`stack.toTerraform()` or `cdktf.out/stacks/<id>/cdk.tf.json`): the one
 * input every policy rule reads, so the guard judges exactly what Terraform will receive, whether it runs as an
 * Aspect during synth or later over the file on disk.
 */

/** The parts of Terraform JSON the guard reads; anything else passes through untouched. */
export interface StackJson {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly provider?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

export interface ResolvedResource {
  readonly mode: "managed" | "data";
  /** Terraform type, e.g. `aws_s3_bucket` (data sources without the `data.` prefix). */
  readonly type: string;
  /** Logical name in the JSON, e.g. `storage_data_978B6A64`. */
  readonly name: string;
  /** What references use: `aws_s3_bucket.<name>` or `data.aws_iam_policy_document.<name>`. */
  readonly address: string;
  /** Construct path from cdktf's metadata (`emr-dev/storage/data`); the address when metadata is missing. */
  readonly path: string;
  /** The resolved, snake_case configuration without cdktf's `//` metadata. */
  readonly config: Readonly<Record<string, unknown>>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function metadataPath(config: Record<string, unknown>): string | undefined {
  const meta = config["//"];
  if (!isRecord(meta) || !isRecord(meta.metadata)) return undefined;
  return typeof meta.metadata.path === "string" ? meta.metadata.path : undefined;
}

function collect(mode: "managed" | "data", blocks: StackJson["resource"]): ResolvedResource[] {
  const out: ResolvedResource[] = [];
  for (const [type, byName] of Object.entries(blocks ?? {})) {
    if (!isRecord(byName)) continue;
    for (const [name, raw] of Object.entries(byName)) {
      if (!isRecord(raw)) continue;
      const { "//": _metadata, ...config } = raw;
      const address = mode === "data" ? `data.${type}.${name}` : `${type}.${name}`;
      out.push({ mode, type, name, address, path: metadataPath(raw) ?? address, config });
    }
  }
  return out;
}

/** Every resource and data source of a synthesized stack, with lookups the cross-resource rules need. */
export class StackIndex {
  readonly resources: readonly ResolvedResource[];
  private readonly byAddress: ReadonlyMap<string, ResolvedResource>;

  constructor(readonly json: StackJson) {
    this.resources = [...collect("managed", json.resource), ...collect("data", json.data)];
    this.byAddress = new Map(this.resources.map((r) => [r.address, r]));
  }

  /** Managed resources of `type`; pass `data.<type>` for data sources. */
  ofType(type: string): ResolvedResource[] {
    const [mode, bare] = type.startsWith("data.") ? (["data", type.slice(5)] as const) : (["managed", type] as const);
    return this.resources.filter((r) => r.mode === mode && r.type === bare);
  }

  get(address: string): ResolvedResource | undefined {
    return this.byAddress.get(address);
  }
}

/** Terraform JSON renders a nested block as an object or a list of objects; rules read both the same way. */
export function blocks(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.filter(isRecord);
  return isRecord(value) ? [value] : [];
}

export function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

export function nonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.trim().length > 0;
}

/** True for `true` and the string "true" (both reach Terraform as true). */
export function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

/** A whole-string reference `${<address>.<attribute>}`, e.g. `${aws_s3_bucket.data_1.id}`. */
export function isReferenceTo(value: unknown, address: string, attributes: readonly string[]): boolean {
  return typeof value === "string" && attributes.some((attribute) => value === `\${${address}.${attribute}}`);
}

/** The address `<type>.<name>` that a whole-string reference `${<type>.<name>.<attribute>}` points at, or undefined. */
export function referencedAddress(value: unknown, type: string, attribute = "id"): string | undefined {
  if (typeof value !== "string") return undefined;
  const match = /^\$\{([A-Za-z0-9_]+\.[A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)\}$/.exec(value);
  return match && match[1].startsWith(`${type}.`) && match[2] === attribute ? match[1] : undefined;
}

/** Whether `value` names this bucket: a reference to its id/bucket, or its literal name. */
export function namesBucket(value: unknown, bucket: ResolvedResource): boolean {
  if (isReferenceTo(value, bucket.address, ["id", "bucket"])) return true;
  const literal = bucket.config.bucket;
  return typeof literal === "string" && !literal.includes("${") && value === literal;
}

export { isRecord };
