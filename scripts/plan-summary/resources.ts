/** Resource counts of a synthesized stack, by Terraform type (data sources as `data.<type>`). */
import type { StackJson } from "../../policy";

export interface ResourceCounts {
  readonly total: number;
  readonly dataSources: number;
  /** Sorted by count (descending), then type. */
  readonly byType: ReadonlyArray<{ readonly type: string; readonly count: number }>;
}

export function countResources(stack: StackJson): ResourceCounts {
  const count = (blocks: StackJson["resource"], prefix: string) =>
    Object.entries(blocks ?? {}).map(([type, byName]) => ({ type: `${prefix}${type}`, count: Object.keys(byName ?? {}).length }));
  const managed = count(stack.resource, "");
  const data = count(stack.data, "data.");
  const byType = [...managed, ...data]
    .filter((t) => t.count > 0)
    .sort((a, b) => b.count - a.count || a.type.localeCompare(b.type));
  return {
    total: managed.reduce((n, t) => n + t.count, 0),
    dataSources: data.reduce((n, t) => n + t.count, 0),
    byType,
  };
}
