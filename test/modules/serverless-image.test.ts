/** The jobs' image for EMR Serverless (spark-jobs/serverless/Dockerfile) agrees with the release and the jobs' pins. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { RELEASE_LABEL_BUILD_ARG, SERVERLESS_DOCKERFILE, SERVERLESS_IMAGE_CONTEXT, serverlessBaseImage } from "../../contracts/serverless-image";
import { DEFAULT_RELEASE_LABEL } from "../../environments/schema";
import { nonEmpty } from "./harness";

const root = join(__dirname, "..", "..");
const dockerfile = readFileSync(join(root, SERVERLESS_DOCKERFILE), "utf8");
/** Instructions, comments and blank lines dropped. */
const instructions = dockerfile.split("\n").filter((line) => line.trim() !== "" && !line.trimStart().startsWith("#"));
const withKeyword = (keyword: string) => instructions.filter((line) => line.startsWith(`${keyword} `)).map((line) => line.slice(keyword.length + 1));

/** `X.Y` from pyproject's `requires-python = ">=X.Y,<X.(Y+1)"`: the one minor version the jobs run on. */
function jobsPython(): string {
  const pyproject = readFileSync(join(root, "spark-jobs", "pyproject.toml"), "utf8");
  const match = /^requires-python = ">=(\d+)\.(\d+),<(\d+)\.(\d+)"$/m.exec(pyproject);
  if (!match) throw new Error('spark-jobs/pyproject.toml: no requires-python = ">=X.Y,<X.Z" line');
  const [, major, minor, upperMajor, upperMinor] = match.map(Number);
  expect([upperMajor, upperMinor]).toEqual([major, minor + 1]); // exactly one minor version
  return `${major}.${minor}`;
}

describe("spark-jobs/serverless/Dockerfile", () => {
  test("builds FROM EMR Serverless's Spark image of the release, DEFAULT_RELEASE_LABEL unless the build says otherwise", () => {
    expect(withKeyword("ARG")).toEqual([`${RELEASE_LABEL_BUILD_ARG}=${DEFAULT_RELEASE_LABEL}`]);
    expect(withKeyword("FROM")).toEqual([serverlessBaseImage(`\${${RELEASE_LABEL_BUILD_ARG}}`)]);
    expect(serverlessBaseImage(DEFAULT_RELEASE_LABEL)).toBe("public.ecr.aws/emr-serverless/spark/emr-7.12.0:latest");
  });

  test("installs and runs the jobs' Python (pyproject's requires-python)", () => {
    const python = `python${jobsPython()}`;
    expect(python).toBe("python3.11");
    expect(withKeyword("RUN")[0]).toContain(`dnf install -y ${python} ${python}-pip`);
    expect(withKeyword("ENV")).toEqual([`PYSPARK_PYTHON=/usr/bin/${python}`]);
    expect(withKeyword("RUN")[1]).toMatch(new RegExp(`^${python} -m pip install .*-r /tmp/requirements\\.txt`));
  });

  test("installs as root and ends as hadoop:hadoop, the user EMR Serverless runs", () => {
    expect(withKeyword("USER")).toEqual(["root", "hadoop:hadoop"]);
    expect(instructions.at(-1)).toBe("USER hadoop:hadoop");
  });

  test("copies the jobs' requirements from its build context, every one pinned with ==", () => {
    expect(withKeyword("COPY")).toEqual(["requirements.txt /tmp/requirements.txt"]);
    const path = join(root, SERVERLESS_IMAGE_CONTEXT, "requirements.txt");
    expect(existsSync(path)).toBe(true);
    const requirements = nonEmpty(
      readFileSync(path, "utf8")
        .split("\n")
        .map((line) => line.replace(/#.*/, "").trim())
        .filter((line) => line !== ""),
    );
    expect(requirements.filter((line) => !/^[A-Za-z0-9_.-]+==[A-Za-z0-9_.]+$/.test(line))).toEqual([]);
    expect(requirements.map((line) => line.split("==")[0])).toEqual(expect.arrayContaining(["pandas", "numpy", "pyarrow"]));
  });
});
