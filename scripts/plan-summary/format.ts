/** Text rendering of plan summaries: what `npm run summary` prints without --json. */
import { formatFinding, formatGuardTotals } from "../../policy";
import type { ScalingRange } from "../../modules/emr-cluster/capacity-model";
import type { CostEstimate } from "./cost";
import { formatMix, type FleetCostRange } from "./fleet-cost";
import { formatPipeline } from "./pipelines";
import type { PriceTable } from "../../environments/instance-types";
import { SERVERLESS_PRICE_TABLE, type ServerlessPriceTable } from "../../environments/serverless-prices";
import type { ServerlessCostEstimate } from "./serverless-cost";
import { KINESIS_PRICE_TABLE, type KinesisPriceTable } from "../../environments/kinesis-prices";
import type { StreamingCostEstimate } from "./streaming-cost";
import type { EnvironmentSummary } from "./summary";

const LABEL_WIDTH = 16;
const WRAP = 110;

const line = (label: string, text: string) => `  ${label.padEnd(LABEL_WIDTH)}${text}`;
const continuation = (text: string) => `  ${" ".repeat(LABEL_WIDTH)}${text}`;

export const formatUsd = (usd: number): string => `$${usd.toFixed(3)}`;

/** Joins `items` with ", " into lines no longer than WRAP. */
function wrap(items: readonly string[], width = WRAP - LABEL_WIDTH - 2): string[] {
  const lines: string[] = [];
  let current = "";
  for (const item of items) {
    const next = current ? `${current}, ${item}` : item;
    if (next.length > width && current) {
      lines.push(`${current},`);
      current = item;
    } else current = next;
  }
  if (current) lines.push(current);
  return lines;
}

export function formatScaling(scaling: ScalingRange): string {
  switch (scaling.kind) {
    case "none":
      return "none (fixed instance counts)";
    case "custom":
      return `custom autoscaling on the task group: ${scaling.min}–${scaling.max} instances`;
    case "managed": {
      const caps = [
        ...(scaling.maxCore !== undefined ? [`core ≤ ${scaling.maxCore}`] : []),
        ...(scaling.maxOnDemand !== undefined ? [`on-demand ≤ ${scaling.maxOnDemand}`] : []),
      ];
      return `managed scaling: ${scaling.min}–${scaling.max} core+task ${scaling.unit}${caps.length ? ` (${caps.join(", ")})` : ""}`;
    }
  }
}

export function formatCostPoint(estimate: CostEstimate, end: "min" | "max"): string {
  const instances = estimate.groups.reduce((n, g) => n + g.count, 0);
  const amount = estimate.complete ? formatUsd(estimate.hourly) : `≥ ${formatUsd(estimate.hourly)}`;
  return `${amount} at ${end} (${instances} instance${instances === 1 ? "" : "s"})`;
}

/** "$1.234–$2.345 at min (cheapest: …; dearest: …)", one fleet mix per line after the first. */
export function formatFleetCostPoint(range: FleetCostRange, end: "min" | "max"): string[] {
  const mix = (pick: "cheapest" | "dearest") => range.fleets.map((f) => `${f.role} ${formatMix(f[pick])}`).join(", ");
  return [`${formatUsd(range.cheapest)}–${formatUsd(range.dearest)} at ${end}`, `  cheapest: ${mix("cheapest")}`, `  dearest:  ${mix("dearest")}`];
}

export function formatEnvironment(summary: EnvironmentSummary): string {
  const out = [`${summary.stackId}  (${summary.environment}, ${summary.region})`];

  if (summary.resources) {
    const r = summary.resources;
    const [first, ...rest] = wrap(r.byType.map((t) => `${t.type} ${t.count}`));
    out.push(line("resources", `${r.total} resources + ${r.dataSources} data sources`));
    if (first) out.push(continuation(first), ...rest.map(continuation));
  } else {
    out.push(line("resources", `not synthesized: ${summary.stackProblem}`));
  }

  if (summary.instanceGroups.length > 0) out.push("  instance groups");
  for (const g of summary.instanceGroups) {
    const ebs = `EBS ${g.ebs.volumesPerInstance}×${g.ebs.sizeGb} GiB ${g.ebs.type}`;
    const market = g.bidPrice !== undefined ? `${g.market} ≤ $${g.bidPrice}/h` : g.market;
    out.push(`    ${g.role.padEnd(7)}${`${g.instanceType} × ${g.count}`.padEnd(18)}${market.padEnd(Math.max(11, market.length + 2))}${ebs}`);
  }
  if (summary.instanceFleets.length > 0) out.push("  instance fleets");
  for (const f of summary.instanceFleets) {
    const strategies = [
      ...(f.onDemandAllocationStrategy ? [`on-demand ${f.onDemandAllocationStrategy}`] : []),
      ...(f.spotAllocationStrategy ? [`spot ${f.spotAllocationStrategy}`] : []),
    ];
    out.push(`    ${f.role.padEnd(7)}${`${f.targetOnDemandUnits} on-demand + ${f.targetSpotUnits} spot units`.padEnd(30)}${strategies.join(", ")}`.trimEnd());
    const types = f.types.map((t) => `${t.instanceType} (${t.weightedCapacity} unit${t.weightedCapacity === 1 ? "" : "s"})`);
    for (const wrapped of wrap(types, WRAP - 11)) out.push(`           ${wrapped}`);
  }
  out.push(line("scaling", formatScaling(summary.scaling)));

  if (summary.fleetCost) {
    const [minHead, ...minMix] = formatFleetCostPoint(summary.fleetCost.min, "min");
    const [maxHead, ...maxMix] = formatFleetCostPoint(summary.fleetCost.max, "max");
    out.push(line("cost/hour", `${minHead} … ${maxHead}`));
    out.push(...[...minMix.map((m) => `min ${m.trim()}`), ...maxMix.map((m) => `max ${m.trim()}`)].map(continuation));
  } else if (summary.cost === null) {
    out.push(line("cost/hour", "n/a (local endpoint: nothing is billed)"));
  } else {
    const { min, max } = summary.cost;
    out.push(line("cost/hour", `${formatCostPoint(min, "min")} … ${formatCostPoint(max, "max")}`));
    for (const problem of new Set([...min.unknown, ...max.unknown])) out.push(continuation(`unknown price: ${problem}`));
  }

  if (summary.serverless) out.push(...formatServerless(summary.serverless.cost));
  if (summary.streaming) out.push(formatStreaming(summary.streaming.cost));

  if (summary.pipelines.length > 0) {
    out.push("  pipelines");
    for (const p of summary.pipelines) out.push(...formatPipeline(p));
  }

  if (summary.policyGuard) {
    out.push(line("policy guard", formatGuardTotals(summary.policyGuard)));
    for (const finding of summary.policyGuard.findings) out.push(continuation(formatFinding(finding)));
  } else {
    out.push(line("policy guard", "not run (stack not synthesized)"));
  }
  return out.join("\n");
}

/** The EMR Serverless application's line: its ceiling's cost per hour and its pre-warmed workers'. */
export function formatServerless(estimate: ServerlessCostEstimate | null): string[] {
  if (estimate === null) return [line("serverless", "n/a (local endpoint: nothing is billed)")];
  if ("unknown" in estimate) return [line("serverless", `unknown price: ${estimate.unknown}`)];
  const { architecture, maximumCapacity: max, maximumHourly, prewarmedHourly, prewarmedWorkers } = estimate.cost;
  const prewarmed = prewarmedWorkers === 0 ? "no pre-warmed workers" : `pre-warmed ${prewarmedWorkers} worker${prewarmedWorkers === 1 ? "" : "s"} ${formatUsd(prewarmedHourly)}/h while started`;
  return [
    line("serverless", `${architecture} application ≤ ${formatUsd(maximumHourly)}/h at maximum capacity (${max.cpuVcpu} vCPU, ${max.memoryGb} GB, ${max.diskGb} GB disk)`),
    continuation(prewarmed),
  ];
}

/** The ticks stream's line: its cost per hour by capacity mode. */
export function formatStreaming(estimate: StreamingCostEstimate | null): string {
  if (estimate === null) return line("streaming", "n/a (local endpoint: nothing is billed)");
  if ("unknown" in estimate) return line("streaming", `unknown price: ${estimate.unknown}`);
  const cost = estimate.cost;
  return cost.mode === "ON_DEMAND"
    ? line("streaming", `ON_DEMAND Kinesis stream ${formatUsd(cost.hourly)}/h + ${formatUsd(cost.perGbWritten)} per GB written`)
    : line("streaming", `PROVISIONED Kinesis stream, ${cost.shards} shard${cost.shards === 1 ? "" : "s"}: ${formatUsd(cost.hourly)}/h`);
}

export function formatPriceNote(prices: PriceTable): string {
  const discount = Math.round(prices.spot.discountOffOnDemand * 100);
  return [
    `Cost: on-demand EC2 + Amazon EMR uplift per instance-hour (${prices.currency}); spot groups at ${discount}% off the EC2 price, EMR uplift in full.`,
    "Fleets: a range from the cheapest mix of their types that meets the target units to the dearest (all units from the type whose cover costs most).",
    `Prices: ${prices.source}; compiled ${prices.compiled}, approximate, not fetched live (see environments/instance-types.json).`,
    `Excludes ${prices.excludes}.`,
  ].join("\n");
}

/** Where the EMR Serverless prices come from, printed when an environment enables it. */
export function formatServerlessPriceNote(prices: ServerlessPriceTable): string {
  return [
    `EMR Serverless: vCPU-hours and memory GB-hours at the architecture's rates, disk beyond ${prices.freeStorageGbPerWorker} GB per worker (the ceiling's with the fewest, largest workers).`,
    `Prices: ${prices.source}; compiled ${prices.compiled}, approximate, not fetched live (see ${SERVERLESS_PRICE_TABLE}). Excludes ${prices.excludes}.`,
  ].join("\n");
}

export function formatSummaries(
  summaries: readonly EnvironmentSummary[],
  prices: PriceTable,
  serverlessPrices?: ServerlessPriceTable,
  kinesisPrices?: KinesisPriceTable,
): string {
  const serverlessNote = serverlessPrices && summaries.some((s) => s.serverless) ? [formatServerlessPriceNote(serverlessPrices)] : [];
  const kinesisNote = kinesisPrices && summaries.some((s) => s.streaming) ? [formatKinesisPriceNote(kinesisPrices)] : [];
  return [...summaries.map(formatEnvironment), formatPriceNote(prices), ...serverlessNote, ...kinesisNote].join("\n\n");
}

/** Where the Kinesis prices come from, printed when an environment enables streaming. */
export function formatKinesisPriceNote(prices: KinesisPriceTable): string {
  return [
    "Kinesis: ON_DEMAND per stream-hour plus per GB written, PROVISIONED per shard-hour.",
    `Prices: ${prices.source}; compiled ${prices.compiled}, approximate, not fetched live (see ${KINESIS_PRICE_TABLE}). Excludes ${prices.excludes}.`,
  ].join("\n");
}
