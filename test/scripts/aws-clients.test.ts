process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
import { parseEnvironment, environmentInput, loadEnvironment } from "../../environments";
import { ListStreamsCommand } from "@aws-sdk/client-kinesis";
import { NodeHttp2Handler, NodeHttpHandler } from "@smithy/node-http-handler";
import { silentServer } from "../support/loopback-faults";
import { clientSettings, createAwsClients, endpointFromEnv, endpointOrigin } from "../../scripts/lib/aws-clients";

const dev = parseEnvironment(environmentInput("dev"));
const local = loadEnvironment("local", { EMR_LOCAL_ENDPOINT: "http://localhost:5999" });

describe("client endpoints", () => {
  it("leaves a real environment to the SDK's defaults: its region, no endpoint, virtual-hosted S3", () => {
    expect(clientSettings(dev, "s3", {})).toEqual({ region: "eu-west-1", endpoint: undefined, forcePathStyle: false });
  });

  it("points the local environment at its endpoint with path-style S3", () => {
    expect(clientSettings(local, "s3", {})).toEqual({ region: "us-east-1", endpoint: "http://localhost:5999", forcePathStyle: true });
  });

  it("lets AWS_ENDPOINT_URL win (the SDK reads it) and still switches S3 to path style", () => {
    expect(clientSettings(dev, "s3", { AWS_ENDPOINT_URL: "http://localhost:4566" })).toEqual({ region: "eu-west-1", endpoint: undefined, forcePathStyle: true });
    expect(clientSettings(local, "emr", { AWS_ENDPOINT_URL: "http://localhost:4566" }).endpoint).toBeUndefined();
  });

  it("prefers the per-service variable and honours AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", () => {
    const env = { AWS_ENDPOINT_URL: "http://localhost:1", AWS_ENDPOINT_URL_S3: "http://localhost:2" };
    expect(endpointFromEnv("s3", env)).toBe("http://localhost:2");
    expect(endpointFromEnv("emr", env)).toBe("http://localhost:1");
    expect(endpointFromEnv("s3", { ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" })).toBeUndefined();
  });

  it("configures adaptive retries on every client", async () => {
    const clients = createAwsClients(local, {});
    for (const client of [clients.emr, clients.s3, clients.sts, clients.kinesis]) {
      expect(await client.config.retryStrategy()).toMatchObject({ mode: "adaptive" });
      expect(await client.config.maxAttempts()).toBe(5);
    }
    expect(clients.s3.config.forcePathStyle).toBe(true);
  });

  it("gives the Kinesis client HTTP/1.1 (its default is HTTP/2, which moto's server does not speak) with the same request timeout", async () => {
    const server = await silentServer();
    try {
      const kinesis = createAwsClients(loadEnvironment("local", { EMR_LOCAL_ENDPOINT: server.endpoint }), { AWS_MAX_ATTEMPTS: "1" }, 300).kinesis;
      expect(kinesis.config.requestHandler).toBeInstanceOf(NodeHttpHandler);
      expect(kinesis.config.requestHandler).not.toBeInstanceOf(NodeHttp2Handler);
      await expect(kinesis.send(new ListStreamsCommand({}))).rejects.toThrow(/300 ms requestTimeout/);
    } finally {
      await server.close();
    }
  });
});

describe("endpointOrigin", () => {
  it.each([
    ["the service's own variable first", loadEnvironment("local", {}), "sfn", { AWS_ENDPOINT_URL_SFN: "http://a", AWS_ENDPOINT_URL: "http://b" }, { service: "Step Functions", endpoint: "http://a", setting: "AWS_ENDPOINT_URL_SFN" }],
    ["then AWS_ENDPOINT_URL", loadEnvironment("local", {}), "s3", { AWS_ENDPOINT_URL_SFN: "http://a", AWS_ENDPOINT_URL: "http://b" }, { service: "S3", endpoint: "http://b", setting: "AWS_ENDPOINT_URL" }],
    ["then EMR_LOCAL_ENDPOINT", loadEnvironment("local", { EMR_LOCAL_ENDPOINT: "http://c" }), "emr", { EMR_LOCAL_ENDPOINT: "http://c" }, { service: "EMR", endpoint: "http://c", setting: "EMR_LOCAL_ENDPOINT" }],
    ["else AWS's regional endpoint", dev, "sts", {}, { service: "STS", setting: "AWS's eu-west-1 endpoint" }],
  ] as const)("%s", (_label, config, service, env, expected) => {
    expect(endpointOrigin(config, service, env)).toEqual(expected);
  });
});
