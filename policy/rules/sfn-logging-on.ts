import { blocks, isTrue, nonEmptyString } from "../stack-json";
import { defineRule, fromProblems } from "../rule";

/** Executions log to CloudWatch (level ALL, ERROR or FATAL, with a destination) and are traced with X-Ray. */
export const sfnLoggingOn = defineRule({
  id: "sfn-logging-on",
  description: "State machines log executions to CloudWatch Logs and trace them with X-Ray",
  appliesTo: ["aws_sfn_state_machine"],
  check: (resource) => {
    const logging = blocks(resource.config.logging_configuration)[0];
    const problems: string[] = [];
    if (!logging || !["ALL", "ERROR", "FATAL"].includes(String(logging.level))) {
      problems.push(`logging_configuration.level is ${JSON.stringify(logging?.level ?? "unset")}; fix: level "ALL" (or ERROR) with a log_destination`);
    } else if (!nonEmptyString(logging.log_destination)) {
      problems.push("logging_configuration has no log_destination; fix: the KMS-encrypted log group's ARN followed by :*");
    }
    if (!isTrue(blocks(resource.config.tracing_configuration)[0]?.enabled)) {
      problems.push("tracing_configuration.enabled is not true; fix: enable X-Ray tracing");
    }
    return fromProblems(problems);
  },
});
