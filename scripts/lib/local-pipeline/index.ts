/** `pipeline run --local` (scripts/commands/pipeline.ts): the pieces of the local runner, one concept per file. */
export { defaultPython, defaultRoot, type DayResult, type LocalRunOptions, RUN_EXIT, runLocalPipeline } from "./run";
export { readStack, synthesizeStack, type LocalStack } from "./stack";
export { type LocalSpark, SharedSessionSpark, FreshProcessSpark } from "./spark";
