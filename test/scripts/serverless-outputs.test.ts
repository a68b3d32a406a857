// The `serverless` stack output: parsed into ServerlessOutput, or one line that names the fix.
import { parseServerlessOutput, serverlessFromOutputs } from "../../scripts/lib/serverless-outputs";

const VALID = {
  applicationId: "00fapp0000000001",
  applicationArn: "arn:aws:emr-serverless:us-east-1:123456789012:/applications/00fapp0000000001",
  applicationName: "emr-platform-dev",
  runtimeRoleArn: "arn:aws:iam::123456789012:role/emr-platform-dev-serverless-job",
  releaseLabel: "emr-7.12.0",
  architecture: "ARM64",
  imageRepositoryUrl: "123456789012.dkr.ecr.us-east-1.amazonaws.com/emr-platform-dev-jobs",
  imageUri: null,
  logUri: "s3://emr-platform-dev-logs/emr-serverless/",
};

describe("parseServerlessOutput", () => {
  it("parses a deployed application", () => {
    expect(parseServerlessOutput("dev", JSON.stringify(VALID))).toEqual(VALID);
  });

  it("fails if EMR Serverless is not enabled ({}), naming the field and the fix", () => {
    expect(() => parseServerlessOutput("dev", "{}")).toThrow("EMR Serverless is not enabled for dev; fix: set serverless.enabled in environments/dev.ts and deploy (npm run deploy -- dev)");
  });

  it("fails if the output is malformed, naming the path", () => {
    expect(() => parseServerlessOutput("dev", JSON.stringify({ ...VALID, architecture: "MIPS" }))).toThrow(/malformed at architecture: .*fix: redeploy the environment/);
    expect(() => parseServerlessOutput("dev", "not json")).toThrow(/is not JSON; fix: redeploy/);
  });
});

describe("serverlessFromOutputs", () => {
  it("says not enabled when the outputs are unreadable and the config does not enable it", () => {
    expect(() => serverlessFromOutputs("staging", false, {}, "terraform is not available")).toThrow(/not enabled for staging/);
  });

  it("says why the application is unknown when the config enables it but the outputs lack it", () => {
    expect(() => serverlessFromOutputs("dev", true, {}, "the stack is not synthesized")).toThrow(
      "the EMR Serverless application of dev is unknown: the stack is not synthesized; fix: npm run deploy -- dev",
    );
  });
});
