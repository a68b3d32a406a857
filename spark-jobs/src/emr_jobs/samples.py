"""The committed samples of fraud_detection, dedup, aggregate and compare, and the arguments each runs them with:
one place for spark-jobs/run-local.sh and npm start's job stage.

    python -m emr_jobs.samples --samples DIR --outputs DIR JOB [JOB ...] [-- extra args for a single JOB]

Several jobs run one after another in ONE process, so they share one local Spark session: one JVM start and
warm-up instead of one per job. Measured on the shared 2-core machine (load ~4): fraud, dedup, aggregate and compare
took 81 s in one process against about 175 s as four processes. The first job that does not exit 0 stops the run
and its exit code is returned (compare's gate: 2).
"""

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from emr_jobs.framework.args import JobArgumentParser
from emr_jobs.framework.exit_codes import JobError
from emr_jobs.framework.runner import run_job
from emr_jobs.jobs import aggregate, compare, dedup, fraud_detection

JobMain = Callable[[list[str] | None], int]
JOBS = ("fraud", "dedup", "aggregate", "compare")


def sample_argv(job: str, samples: Path, outputs: Path) -> tuple[JobMain, list[str]]:
    """The job's main and its arguments on the committed sample; outputs under `outputs/<job name>`."""
    runs: dict[str, tuple[JobMain, list[str]]] = {
        "fraud": (fraud_detection.main, ["--input", f"{samples}/claims.csv", "--input-format", "csv",
                                         "--output", f"{outputs}/fraud_detection"]),
        "dedup": (dedup.main, ["--input", f"{samples}/dedup_events.csv", "--input-format", "csv",
                               "--keys", "customer_id,region", "--order-by", "updated_at", "--tie-break", "source",
                               "--id-column", "event_id", "--output", f"{outputs}/dedup"]),
        "aggregate": (aggregate.main, ["--input", f"{samples}/city_daily.csv", "--input-format", "csv",
                                       "--output", f"{outputs}/aggregate"]),
        # compare reads the aggregate job's output: run `aggregate` first. The sample differs on 5.3% of its keys,
        # so it passes with --fail-above 0.1 and exits 2 with the default 0.05.
        "compare": (compare.main, ["--ours", f"{outputs}/aggregate/state_daily",
                                   "--theirs", f"{samples}/state_official.csv", "--fail-above", "0.1",
                                   "--output", f"{outputs}/compare"]),
    }  # fmt: skip
    return runs[job]


def build_parser() -> argparse.ArgumentParser:
    parser = JobArgumentParser(prog="samples", description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--samples", type=Path, required=True, help="directory of the committed sample files")
    parser.add_argument("--outputs", type=Path, required=True, help="output root; each job writes <root>/<job>")
    parser.add_argument("jobs", nargs="+", choices=JOBS, metavar="JOB", help=f"one or more of {', '.join(JOBS)}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    extra = argv[argv.index("--") + 1 :] if "--" in argv else []
    own = argv[: argv.index("--")] if "--" in argv else argv

    def body() -> int:
        args = build_parser().parse_args(own)
        if extra and len(args.jobs) > 1:
            raise JobError("invalid arguments: extra arguments after -- need a single JOB (see --help)")
        for job in args.jobs:
            job_main, job_argv = sample_argv(job, args.samples, args.outputs)
            code = job_main(job_argv + extra)  # later flags override the sample's (argparse keeps the last)
            if code != 0:
                return code
        return 0

    return run_job("samples", body)


if __name__ == "__main__":
    raise SystemExit(main())
