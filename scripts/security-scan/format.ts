/** The scan's compact report: one line per distinct problem (environments folded together), then one verdict line. */
import { formatFinding } from "../../policy";
import type { ScanFinding, ScanVerdict } from "./judge";

/** `emr-dev/network/azs` -> `network/azs`: the same construct in every environment folds into one line. */
const withinStack = (path: string): string => path.split("/").slice(1).join("/") || path;

function fold(findings: readonly ScanFinding[], order: readonly string[]): Array<{ first: ScanFinding; stacks: string[] }> {
  const groups = new Map<string, { first: ScanFinding; stacks: string[] }>();
  for (const f of findings) {
    const key = `${f.check} ${withinStack(f.path)}`;
    const group = groups.get(key) ?? { first: f, stacks: [] };
    group.stacks.push(f.stack);
    groups.set(key, group);
  }
  return [...groups.values()].map((g) => ({ ...g, stacks: order.filter((s) => g.stacks.includes(s)) }));
}

/** A skip's reason up to its first sentence end, for the one-line listing (the file has the whole reason). */
function headline(reason: string, max = 110): string {
  const sentence = reason.split(/(?<=\.)\s/)[0].replace(/\.$/, "");
  return sentence.length > max ? `${sentence.slice(0, max - 1)}…` : sentence;
}

const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;

export function formatVerdict(verdict: ScanVerdict, skipFile: string): string[] {
  const lines = [`security scan: checkov ${verdict.version} (terraform_json) over ${verdict.stacks.join(", ")}`];
  for (const { first, stacks } of fold(verdict.failed, verdict.stacks)) {
    lines.push(`  FAILED  ${first.check} ${withinStack(first.path)} (${first.address}) in ${stacks.join(", ")}: ${first.title}`);
  }
  for (const skip of verdict.staleSkips) {
    lines.push(`  STALE   ${skip.check} in ${skipFile} matches no failed check (paths ${skip.paths.join(", ")}); fix: remove the entry`);
  }
  for (const { skip, findings } of verdict.skipped) {
    lines.push(`  skipped ${skip.check} on ${plural(findings.length, "resource")} (${skip.paths.join(", ")}): ${headline(skip.reason)}`);
  }
  for (const gap of verdict.gaps) {
    if (gap.resources === 0 || gap.unevaluated.length === 0) continue;
    lines.push(
      `  checkov cannot evaluate ${gap.unevaluated.join(", ")} on ${plural(gap.resources, gap.resourceType)} (${gap.attribute} is a JSON ` +
        `string); policy guard rule ${gap.guardRule} parses it: ${plural(gap.guardViolations, "violation")}`,
    );
  }
  lines.push(
    `  policy guard: ${plural(verdict.guard.rules, "rule")} over ${plural(verdict.stacks.length, "stack")}, ` +
      `${plural(verdict.guard.violations.length, "violation")}, ${verdict.guard.exempted} exempted`,
  );
  for (const violation of verdict.guard.violations) lines.push(`  GUARD   ${formatFinding(violation)}`);
  const skippedCount = verdict.skipped.reduce((n, s) => n + s.findings.length, 0);
  lines.push(
    `security scan: ${verdict.passed} passed, ${verdict.failed.length} failed, ${skippedCount} skipped ` +
      `(${plural(verdict.skipped.length, "entry", "entries")} of ${skipFile})${verdict.guard.violations.length ? `, ${plural(verdict.guard.violations.length, "guard violation")}` : ""}: ` +
      `${verdict.ok ? "OK" : "FAILED"}`,
  );
  return lines;
}
