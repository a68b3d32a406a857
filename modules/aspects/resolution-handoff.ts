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
import { Aspects, TerraformAsset, TerraformStack, type IAspect } from "cdktf";

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

/** A stack whose `toTerraform()` returns the JSON handed off to it, once, instead of resolving the stack again. */
export class ResolvedOnceStack extends TerraformStack {
  override toTerraform(): ReturnType<TerraformStack["toTerraform"]> {
    return takeResolution(this) ?? super.toTerraform();
  }
}
