// The peer of `emr info` in `npm run bench`: the three EMR calls `info` makes when no stack output names the cluster
// (ListClusters, DescribeCluster, ListInstanceGroups), written against the AWS SDK alone, loaded from node_modules as
// any script would, and printed as JSON. What `info` adds beyond it is ours: the CLI, the environment, the output.
"use strict";
const { DescribeClusterCommand, EMRClient, ListClustersCommand, ListInstanceGroupsCommand } = require("@aws-sdk/client-emr");

const [name] = process.argv.slice(2);
(async () => {
  const emr = new EMRClient({});
  const { Clusters = [] } = await emr.send(new ListClustersCommand({ ClusterStates: ["STARTING", "BOOTSTRAPPING", "RUNNING", "WAITING"] }));
  const summary = Clusters.find((c) => c.Name === name);
  if (!summary) throw new Error(`no active cluster named ${name}`);
  const [{ Cluster }, { InstanceGroups }] = [
    await emr.send(new DescribeClusterCommand({ ClusterId: summary.Id })),
    await emr.send(new ListInstanceGroupsCommand({ ClusterId: summary.Id })),
  ];
  process.stdout.write(`${JSON.stringify({ cluster: Cluster, instanceGroups: InstanceGroups }, null, 2)}\n`);
})().catch((error) => {
  process.stderr.write(`error: ${error.message}\n`);
  process.exitCode = 1;
});
