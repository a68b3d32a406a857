/**
 * Step Functions ARNs (state machine or execution) and their parts. Its own file, free of the environments and their
 * zod schemas, so the commands that only parse an ARN load nothing else (`emr --help` loads them all).
 */

// No whitespace anywhere: a pasted ARN's trailing space would otherwise reach StartExecution as "does not exist".
export const STATE_MACHINE_ARN = /^arn:(aws[a-z-]*):states:([^:\s]+):(\d{12}):stateMachine:([^:\s]+)$/;

/** The parts of a Step Functions ARN (state machine or execution). */
export interface StatesArn {
  partition: string;
  region: string;
  account: string;
  /** The state machine's name. */
  stateMachine: string;
  /** The execution's name (execution ARNs only). */
  execution?: string;
}

const EXECUTION_ARN = /^arn:(aws[a-z-]*):states:([^:\s]+):(\d{12}):execution:([^:\s]+):([^:\s]+)$/;

export function parseStatesArn(arn: string): StatesArn | undefined {
  const m = STATE_MACHINE_ARN.exec(arn) ?? EXECUTION_ARN.exec(arn);
  return m ? { partition: m[1], region: m[2], account: m[3], stateMachine: m[4], execution: m[5] } : undefined;
}
