/**
 * Where the jobs' image for EMR Serverless is defined and how it is named: shared by the image test and the operator
 * CLI's `image build|push` (which builds this file with this context).
 */

/** The Dockerfile, relative to the repository root. */
export const SERVERLESS_DOCKERFILE = "spark-jobs/serverless/Dockerfile";

/** Its build context (the Dockerfile copies `requirements.txt` from here). */
export const SERVERLESS_IMAGE_CONTEXT = "spark-jobs";

/** The Dockerfile's build argument naming EMR's base image (an EMR release label, e.g. emr-7.12.0). */
export const RELEASE_LABEL_BUILD_ARG = "RELEASE_LABEL";

/** EMR's EMR Serverless Spark image of a release ("Customizing an EMR Serverless image"). */
export const serverlessBaseImage = (releaseLabel: string): string => `public.ecr.aws/emr-serverless/spark/${releaseLabel}:latest`;
