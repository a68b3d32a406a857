/**
 * The stack's Terraform JSON, resolved once by PlatformAspects and handed to the write that follows it.
 *
 * cdktf resolves a stack in full (`toTerraform()`: every element, then the merged tree again) for each caller: the
 * policy guard, then the write of cdk.tf.json, one after the other with nothing in between that changes the stack in
 * ours. That second resolution was about a fifth of `npm run synth` (--cpu-prof). The aspect that resolved the stack
 * last hands its JSON over; a ResolvedOnceStack's `toTerraform()` returns it once, then resolves afresh again.
 *
 * What could still change the stack between the two is looked for first, and then nothing is handed over: an aspect
 * that runs after ours (a later one on the stack, any on a construct below it: cdktf visits the stack's own aspects
 * first, then the children's) and an asset (TerraformAsset copies its files between the aspects and the write).
 */
import { Aspects, TerraformAsset, TerraformElement, TerraformOutput, TerraformStack, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import { resolveAroundTokens } from "./resolve-around-tokens";

// cdktf's own merge of fragments (private to cdktf, hence by path): the same merge gives the same bytes.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { deepMerge } = require("cdktf/lib/util") as { deepMerge(target: object, ...sources: unknown[]): object };

const handedOff = new WeakMap<TerraformStack, unknown>();

/** True when something may change `stack` after `aspect` ran and before the stack is written. */
function mayChangeAfter(stack: TerraformStack, aspect: IAspect): boolean {
  const own = Aspects.of(stack).all;
  if (own[own.length - 1] !== aspect) return true;
  return stack.node.findAll().some((c) => c !== stack && (c instanceof TerraformAsset || Aspects.of(c).all.length > 0));
}

/**
 * Offers `json`, which `aspect` just got from `stack.toTerraform()` as its last change to the stack, to the stack's
 * next `toTerraform()`; dropped when something may change the stack in between.
 */
export function handOffResolution(stack: TerraformStack, aspect: IAspect, json: unknown): void {
  if (mayChangeAfter(stack, aspect)) return;
  handedOff.set(stack, json);
}

/** The JSON handed off for `stack`, once: later calls get `undefined` until the next hand-off. */
export function takeResolution(stack: TerraformStack): unknown {
  const json = handedOff.get(stack);
  handedOff.delete(stack);
  return json;
}

/** The stack's Terraform elements, in cdktf's order, not those of a nested stack (cdktf's terraformElements). */
function elementsOf(node: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children) if (!TerraformStack.isStack(child)) elementsOf(child, into);
  return into;
}

/** What cdktf 0.21's TerraformStack keeps private and its toTerraform reads. */
interface StackInternals {
  readonly rawOverrides: Record<string, unknown>;
  readonly cdktfVersion: string;
}

/**
 * A stack whose `toTerraform()` returns the JSON handed off to it, once, instead of resolving the stack again; and
 * whose preparing pass (cdktf resolves every element once before the aspects run, to find references across stacks)
 * keeps what it resolved, so that the aspects' resolution reuses it (`resolvePrepared`) rather than resolving each
 * element a second time: about a sixth of synth.
 */
export class ResolvedOnceStack extends TerraformStack {
  private prepared?: Map<TerraformElement, unknown>;

  override toTerraform(): ReturnType<TerraformStack["toTerraform"]> {
    return takeResolution(this) ?? super.toTerraform();
  }

  /** cdktf's prepareStack, keeping each element's resolution (which the preparing flag does not change). */
  override prepareStack(): void {
    this.ensureBackendExists();
    this.prepared = new Map(elementsOf(this).map((e) => [e, resolveAroundTokens(this, e.toTerraform(), true)] as const));
  }

  /**
   * The stack as `toTerraform()` renders it, built from the elements resolved by the last prepareStack: the caller
   * vouches that nothing but `changed` changed since then (those, and any element added since, are resolved again).
   * Undefined when no prepared resolution is waiting, or with `changed` undefined (the caller cannot vouch). Once
   * either way: what prepareStack kept is dropped, so a later call finds none.
   */
  resolvePrepared(changed: ReadonlySet<IConstruct> | undefined): ReturnType<TerraformStack["toTerraform"]> {
    const prepared = this.prepared;
    this.prepared = undefined;
    if (!prepared || !changed) return undefined;
    // From here on, cdktf 0.21's TerraformStack.toTerraform, step for step.
    const { rawOverrides, cdktfVersion } = this as unknown as StackInternals;
    const tf: Record<string, unknown> = {};
    const metadata = {
      version: cdktfVersion,
      stackName: this.node.id,
      backend: "local",
      cloud: undefined,
      ...(Object.keys(rawOverrides).length > 0 ? { overrides: { stack: Object.keys(rawOverrides) } } : {}),
    };
    const elements = elementsOf(this);
    for (const meta of elements.map((e) => resolveAroundTokens(this, e.toMetadata()))) deepMerge(metadata, meta);
    const outputs = {};
    for (const item of elements) {
      if (!TerraformOutput.isTerraformOutput(item)) continue;
      const path = item.node.path.split("/");
      deepMerge(outputs, path.reduceRight<Record<string, unknown>>((inner, part) => ({ [part]: Object.keys(inner).length === 0 ? item.friendlyUniqueId : inner }), {}));
    }
    tf["//"] = { metadata, outputs };
    for (const e of elements) deepMerge(tf, !changed.has(e) && prepared.has(e) ? prepared.get(e) : resolveAroundTokens(this, e.toTerraform()));
    deepMerge(tf, rawOverrides);
    return resolveAroundTokens(this, tf);
  }
}
