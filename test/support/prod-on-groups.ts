/**
 * prod as it ran before issue 10, on instance groups with managed scaling in Instances: the fixture for the groups
 * shape under managed scaling, now that prod itself runs instance fleets.
 */
import { environmentInput, parseEnvironment, type EnvironmentConfig, type EnvironmentInput } from "../../environments";

export function prodOnGroupsInput(): EnvironmentInput {
  const input = environmentInput("prod");
  delete input.fleets;
  input.instances = {
    master: { instanceType: "m6i.2xlarge", count: 1, market: "ON_DEMAND", ebs: { sizeGb: 200 } },
    core: { instanceType: "r6i.2xlarge", count: 3, market: "ON_DEMAND", ebs: { sizeGb: 500 } },
    task: { instanceType: "r6i.2xlarge", count: 0, market: "SPOT", ebs: { sizeGb: 200 } },
  };
  return input;
}

export function prodOnGroups(): EnvironmentConfig {
  return parseEnvironment(prodOnGroupsInput(), "prod on instance groups (test fixture)");
}
