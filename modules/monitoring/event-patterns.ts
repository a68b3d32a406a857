/**
 * EventBridge patterns for the EMR events that need a human: this cluster terminating with errors, and one of its
 * steps failing. `clusterId` may be a CDKTF token; it is embedded as a string and resolved at synth.
 */
export const CLUSTER_STATE_CHANGE = "EMR Cluster State Change";
export const STEP_STATUS_CHANGE = "EMR Step Status Change";

function emrPattern(detailType: string, clusterId: string, state: string): string {
  return JSON.stringify({
    source: ["aws.emr"],
    "detail-type": [detailType],
    detail: { clusterId: [clusterId], state: [state] },
  });
}

export function clusterFailedPattern(clusterId: string): string {
  return emrPattern(CLUSTER_STATE_CHANGE, clusterId, "TERMINATED_WITH_ERRORS");
}

export function stepFailedPattern(clusterId: string): string {
  return emrPattern(STEP_STATUS_CHANGE, clusterId, "FAILED");
}
