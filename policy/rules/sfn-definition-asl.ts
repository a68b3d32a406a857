/**
 * Every state machine definition passes asl-validator (the Amazon States Language's JSON schemas, paths, transition
 * targets, terminal states) the way CreateStateMachine would judge it, with Terraform references replaced by dummies
 * of the same shape, and has no state name twice. The ASL specification: state names "MUST be unique within the scope
 * of the whole state machine" (https://states-language.net/spec.html#states-fields), so a Parallel state named like a
 * state inside its own branch is refused by the service.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type AslValidator from "asl-validator";
import { defineRule, fromProblems, nonCompliant } from "../rule";
import { statesWithPaths, type AslDefinition } from "../state-machine-definition";
import { definitionWithDummies } from "./sfn-definition-terraform";

const OPTIONS = { checkPaths: true, checkArn: true } as const;

/**
 * asl-validator 4.0.0 builds a new Ajv and compiles every ASL schema on each call (0.25-2 s a definition, ~97% of its
 * time in ajv). While our call runs, its private ajv's constructor hands back one instance per process, so the schemas
 * compile once and later calls reuse them. Safe because the options are fixed (the formats it registers depend only on
 * them) and the call is synchronous; any other version runs unpatched.
 */
function withCompiledSchemasReused<T>(run: () => T): T {
  const root = dirname(require.resolve("asl-validator/package.json"));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if ((require(`${root}/package.json`) as { version: string }).version !== "4.0.0") return run();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ajv = require(require.resolve("ajv", { paths: [root] })) as { default: new (options: object) => AjvLike };
  const original = ajv.default;
  ajv.default = function ReusedAjv(options: object) {
    if (!reused) {
      const instance = new original(options);
      // ajv-formats adds its keywords on every call; Ajv throws when one is added twice, so a repeat is skipped.
      const addKeyword = instance.addKeyword.bind(instance);
      instance.addKeyword = (definition) => {
        const names = typeof definition === "string" ? [definition] : [definition.keyword].flat();
        return names.every((name) => instance.getKeyword(name)) ? instance : addKeyword(definition);
      };
      reused = instance;
    }
    return reused;
  } as unknown as typeof original;
  try {
    return run();
  } finally {
    ajv.default = original;
  }
}
interface AjvLike {
  addKeyword(definition: string | { keyword: string | string[] }): AjvLike;
  getKeyword(name: string): unknown;
}
let reused: AjvLike | undefined;

/** State names used more than once, each with every path it appears at. */
export function duplicateStateNames(definition: AslDefinition): string[] {
  const paths = new Map<string, string[]>();
  for (const { name, path } of statesWithPaths(definition)) paths.set(name, [...(paths.get(name) ?? []), path]);
  return [...paths]
    .filter(([, at]) => at.length > 1)
    .map(([name, at]) => `state name "${name}" is used ${at.length} times (${at.join(", ")}); state names must be unique across the whole machine, branches included; fix: rename one (a parallel group must not share its name with a step inside it)`);
}

type AslErrors = ReturnType<typeof AslValidator>["errors"];

/**
 * asl-validator's answers, kept across processes in node_modules/.cache/emr-platform/asl/: its answer depends only on
 * its version, the options and the definition, and the definitions rarely change, so most syntheses never load it or
 * compile its schemas (about a tenth of `npm run synth`, npm run bench). Keyed by a hash of all three; a cache that
 * cannot be read or written is skipped.
 */
const ASL_CACHE = resolve(__dirname, "..", "..", "node_modules", ".cache", "emr-platform", "asl");

function aslValidatorErrors(definition: AslDefinition): AslErrors {
  const root = dirname(require.resolve("asl-validator/package.json"));
  const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
  const file = join(ASL_CACHE, `${createHash("sha256").update(JSON.stringify([version, OPTIONS, definition])).digest("hex")}.json`);
  try {
    return JSON.parse(readFileSync(file, "utf8")) as AslErrors;
  } catch {
    // not cached yet (or unreadable): ask asl-validator
  }
  // Loaded only on a cache miss. The package sets module.exports to the function itself.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const aslValidator = require("asl-validator") as typeof AslValidator;
  const { errors } = withCompiledSchemasReused(() => aslValidator(structuredClone(definition), OPTIONS));
  try {
    mkdirSync(ASL_CACHE, { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`; // parallel syntheses write whole files only
    writeFileSync(temporary, JSON.stringify(errors));
    renameSync(temporary, file);
  } catch {
    // a read-only checkout: the next synthesis asks asl-validator again
  }
  return errors;
}

/** asl-validator's findings for one definition, its duplicate-name finding replaced by ours (which names the paths). */
export function aslFindings(definition: AslDefinition): string[] {
  const errors = aslValidatorErrors(definition);
  return [
    ...errors.filter((e) => e["Error code"] !== "DUPLICATE_STATE_NAMES").map((e) => `asl-validator ${e["Error code"]}: ${e.Message}`),
    ...duplicateStateNames(definition),
  ];
}

export const sfnDefinitionAsl = defineRule({
  id: "sfn-definition-asl",
  description: "Every state machine definition is valid Amazon States Language (asl-validator) and uses each state name once",
  appliesTo: ["aws_sfn_state_machine"],
  check: (resource) => {
    const parsed = definitionWithDummies(resource);
    if (!parsed.ok) return nonCompliant(parsed.reason);
    return fromProblems(aslFindings(parsed.definition));
  },
});
