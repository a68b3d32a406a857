/**
 * Terraform reads every string in cdk.tf.json as a template: `${…}` is an interpolation and `%{…}` a directive. CDKTF
 * passes literal strings through unchanged, so text that must reach AWS verbatim (EMR's `${emr.clusterId}`
 * placeholder, `${VAR}` in a shell script, a Spark property such as `${HADOOP_HOME}`) has to be escaped as `$${` and
 * `%%{`, which Terraform turns back into `${` and `%{`.
 */
import { Token } from "cdktf";

export function terraformLiteral(text: string): string {
  // Escaping a token's `${TfToken[…]}` marker would turn a resource reference into literal text.
  if (Token.isUnresolved(text)) {
    throw new Error("terraformLiteral() received a string with a CDKTF token; escape only plain text");
  }
  // Replacer functions: in a replacement string `$$` would itself mean one `$`.
  return text.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}

/** The inverse, for tests and tools that read cdk.tf.json: what Terraform hands the provider. */
export function terraformRendered(text: string): string {
  return text.replace(/\$\$\{/g, () => "${").replace(/%%\{/g, () => "%{");
}
