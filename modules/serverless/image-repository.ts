import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { EcrRepositoryPolicy } from "@cdktf/provider-aws/lib/ecr-repository-policy";
import { Construct } from "constructs";
import type { AccountContext } from "../core/account-context";
import { PolicyStatements } from "../core/policy-statements";
import type { PlatformKey } from "../storage/platform-key";
import { EMR_SERVERLESS_SERVICE } from "./runtime-role";

/** Images kept in the repository: tags are content hashes, so older ones are only rollbacks. */
export const KEPT_IMAGES = 10;

export interface ImageRepositoryProps {
  /** Resource name prefix, e.g. "emr-platform-dev". */
  readonly name: string;
  readonly account: AccountContext;
  readonly key: PlatformKey;
  /** Let `terraform destroy` delete a repository that still holds images (the buckets' forceDestroy). */
  readonly forceDelete: boolean;
}

/**
 * The jobs' image for EMR Serverless (spark-jobs/serverless/Dockerfile, pushed by `npm run emr -- image push`):
 * immutable tags (a tag names one image forever), scan on push, encrypted with the platform key.
 *
 * EMR Serverless pulls with its service principal; the repository policy lets it ("Customizing an EMR Serverless
 * image" > "Set the repository policy"). The documented aws:SourceArn names one application; ours names this
 * account's applications instead, because the application validates the image (and this policy) when it is created
 * or updated: the policy must exist first, so it cannot refer to the application's ARN without a cycle.
 */
export class ImageRepository extends Construct {
  readonly repository: EcrRepository;
  readonly url: string;
  /** The application must wait for it: EMR Serverless checks it can pull the image when it creates the application. */
  readonly policy: EcrRepositoryPolicy;

  constructor(scope: Construct, id: string, props: ImageRepositoryProps) {
    super(scope, id);
    const { account } = props;
    this.repository = new EcrRepository(this, "repository", {
      name: `${props.name}-spark-jobs`,
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      // ECR adds its own grant on the key when it creates the repository ("Encryption at rest - Amazon ECR"); the
      // key policy delegates to IAM, so the deploying role's kms:CreateGrant is enough.
      encryptionConfiguration: [{ encryptionType: "KMS", kmsKey: props.key.arn }],
      forceDelete: props.forceDelete,
    });
    this.url = this.repository.repositoryUrl;

    const pull = new PolicyStatements(this, "policy-document", [
      {
        sid: "EmrServerlessPull",
        principals: [{ type: "Service", identifiers: [EMR_SERVERLESS_SERVICE] }],
        actions: ["ecr:BatchGetImage", "ecr:DescribeImages", "ecr:GetDownloadUrlForLayer"],
        condition: [
          { test: "StringEquals", variable: "aws:SourceAccount", values: [account.accountId] },
          { test: "ArnLike", variable: "aws:SourceArn", values: [`arn:${account.partition}:emr-serverless:${account.region}:${account.accountId}:/applications/*`] },
        ],
      },
    ]);
    this.policy = new EcrRepositoryPolicy(this, "policy", { repository: this.repository.name, policy: pull.json });

    new EcrLifecyclePolicy(this, "lifecycle", {
      repository: this.repository.name,
      policy: JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: `Keep the last ${KEPT_IMAGES} images`,
            selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: KEPT_IMAGES },
            action: { type: "expire" },
          },
        ],
      }),
    });
  }
}
