/**
 * Runs an app's synth and turns the ways a config can be refused into one clean block on stderr and exit code 1,
 * never a stack trace: a ConfigError (the schema and its checks, or a construct guarding its own props), and error
 * annotations (the policy guard, the tagging aspect), which cdktf would otherwise throw with its own stack.
 * Anything else is a bug and is rethrown with its stack.
 */
import { AnnotationMetadataEntryType, App, type AppConfig } from "cdktf";
import { ConfigError } from "../environments/errors";

export interface SynthesizeOptions {
  readonly app?: AppConfig;
  /** @default writes to process.stderr */
  readonly stderr?: (text: string) => void;
}

/** Every error annotation in the app, as `<construct path>: <message>`. */
export function errorAnnotations(app: App): string[] {
  return app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === AnnotationMetadataEntryType.ERROR)
      .map((entry) => `${construct.node.path}: ${String(entry.data)}`),
  );
}

/** Builds the app's stacks with `build`, synthesizes, and returns the exit code (0 ok, 1 refused). */
export function synthesize(build: (app: App) => void, options: SynthesizeOptions = {}): number {
  const write = options.stderr ?? ((text: string) => process.stderr.write(`${text}\n`));
  let app: App | undefined;
  try {
    app = new App(options.app);
    build(app);
    app.synth();
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      write(error.message);
      return 1;
    }
    // cdktf throws on the first stack with error annotations, after the aspects of every stack ran (prepareStack),
    // so the annotations list every stack's findings.
    const findings = app ? errorAnnotations(app) : [];
    if (findings.length === 0) throw error;
    write(
      [
        `synth refused: ${findings.length} finding${findings.length === 1 ? "" : "s"}`,
        ...findings.map((finding) => `  - ${finding}`),
        "Each finding names its fix; a justified exception is an exemption with its reason in policy/exemptions.ts.",
      ].join("\n"),
    );
    return 1;
  }
}
