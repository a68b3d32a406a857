/** `info`: where the cluster is, what it runs and how to reach it; `--json` for scripts. */
import type { CommandContext } from "../lib/context";
import { type ClusterInfo, fetchClusterInfo, renderClusterInfo } from "../lib/cluster-info";

export async function gatherInfo(ctx: CommandContext): Promise<ClusterInfo> {
  const [{ clusterId, via, cluster }, { outputs }] = await Promise.all([ctx.clusterId(), ctx.outputs()]);
  return fetchClusterInfo(ctx.clients.emr, ctx.config, clusterId, outputs, via, cluster);
}

export async function infoCommand(ctx: CommandContext, options: { json?: boolean }): Promise<number> {
  const info = await gatherInfo(ctx);
  if (options.json) ctx.deps.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
  else for (const line of renderClusterInfo(info)) ctx.out.line(line);
  return 0;
}
