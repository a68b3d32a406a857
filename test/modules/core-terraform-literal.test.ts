import { Testing, TerraformLocal } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { terraformLiteral, terraformRendered } from "../../contracts/terraform-literal";

function synthContent(content: string): string {
  const json = Testing.synthScope((scope) => {
    new AwsProvider(scope, "aws", { region: "eu-west-1" });
    new S3Object(scope, "object", { bucket: "b", key: "k", content });
  });
  return Object.values<any>(JSON.parse(json).resource.aws_s3_object)[0].content;
}

describe("terraformLiteral", () => {
  test("CDKTF passes ${ through unescaped, so Terraform would interpolate it (why the helper exists)", () => {
    expect(synthContent('{"Value":"${emr.clusterId}"}')).toBe('{"Value":"${emr.clusterId}"}');
  });

  test("escapes ${ and %{ so Terraform hands the provider the original text", () => {
    const text = 'Value "${emr.clusterId}", "${PINS[@]}", %{if} and a lone $ or %';
    const escaped = terraformLiteral(text);
    expect(escaped).toBe('Value "$${emr.clusterId}", "$${PINS[@]}", %%{if} and a lone $ or %');
    expect(synthContent(escaped)).toBe(escaped);
    expect(terraformRendered(escaped)).toBe(text);
  });

  test("round-trips text that already contains an escape", () => {
    expect(terraformRendered(terraformLiteral("$${a} %%{b}"))).toBe("$${a} %%{b}");
  });

  test("fails if given a string with a CDKTF token (escaping would break the reference)", () => {
    Testing.synthScope((scope) => {
      const local = new TerraformLocal(scope, "id", "j-TEST");
      expect(() => terraformLiteral(`cluster ${local.asString}`)).toThrow(/CDKTF token/);
    });
  });
});
