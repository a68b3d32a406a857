/**
 * zod's parse options for input parsed once per process (an environment, a pipeline, an output file): zod's JIT
 * compiles a parser for each object shape at its first parse, which pays off only over many parses. Without it the
 * four environments parse in about half the time (synth parses each once, `emr info` one).
 */
export const PARSED_ONCE = { jitless: true } as const;
