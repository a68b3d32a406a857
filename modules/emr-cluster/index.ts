export * from "./autoscaling-policy";
export * from "./bootstrap-script";
export * from "./classifications";
export * from "./platform-cluster";
export * from "./cluster-spec";
export * from "./capacity-model";
