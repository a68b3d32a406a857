/** The environments this repository deploys; each has a file here and a stack emr-<name>. */
export const ENVIRONMENT_NAMES = ["dev", "staging", "prod", "local"] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];
