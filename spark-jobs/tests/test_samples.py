"""The sample runs of run-local.sh and npm start: arguments each job's own parser accepts, on committed files."""

from pathlib import Path

import pytest

from emr_jobs import samples
from emr_jobs.jobs import aggregate, compare, dedup, fraud_detection

SPARK_JOBS = Path(__file__).resolve().parents[1]
SAMPLES = SPARK_JOBS / "data" / "sample"
PARSERS = {"fraud": fraud_detection, "dedup": dedup, "aggregate": aggregate, "compare": compare}


@pytest.mark.parametrize("job", samples.JOBS)
def test_each_sample_run_parses_with_the_job_s_own_parser_and_reads_committed_files(job, tmp_path):
    job_main, argv = samples.sample_argv(job, SAMPLES, tmp_path)
    assert job_main is PARSERS[job].main
    args = PARSERS[job].build_parser().parse_args(argv)
    assert Path(args.output).parent == tmp_path
    inputs = [Path(v) for v in (getattr(args, "input", None), getattr(args, "theirs", None)) if v]
    assert inputs and all(path.is_file() and path.parent == SAMPLES for path in inputs), inputs


def test_compare_reads_what_aggregate_writes(tmp_path):
    _, aggregate_argv = samples.sample_argv("aggregate", SAMPLES, tmp_path)
    _, compare_argv = samples.sample_argv("compare", SAMPLES, tmp_path)
    written = aggregate.build_parser().parse_args(aggregate_argv).output
    assert compare.build_parser().parse_args(compare_argv).ours == f"{written}/state_daily"


def test_extra_arguments_with_several_jobs_are_one_usage_error(tmp_path, capsys):
    argv = ["--samples", str(SAMPLES), "--outputs", str(tmp_path), "dedup", "aggregate", "--", "--input-format", "json"]
    assert samples.main(argv) == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        "samples: ERROR: invalid arguments: extra arguments after -- need a single JOB (see --help)"
    ]
    assert not any(tmp_path.iterdir())  # refused before any job ran


def test_an_unknown_job_is_one_usage_error_naming_the_choices(tmp_path, capsys):
    assert samples.main(["--samples", str(SAMPLES), "--outputs", str(tmp_path), "fruad"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "invalid choice: 'fruad'" in err[0] and "fraud" in err[0]
