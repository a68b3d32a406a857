"""Throughput of dedup and aggregate + compare on local[2] against their single-process pandas references.

    python spark-jobs/bench/workloads_throughput.py --rows 100000 1000000 --json out.json

For each size: generates seeded input (dedup: change-log events with ties, duplicates and bad rows; tracker:
city-level daily rows and an official file), runs each Spark job end to end (read, classify, write parquet,
_metrics.json) in one local[2] session warmed up on a small input, then the pandas reference on the same files,
and checks both agree on their counts. Prints and writes rows/s for each and the Spark/pandas time ratio.
"""

import argparse
import contextlib
import io
import json
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_WORKDIR = HERE.parent / "output" / "bench_workloads"
sys.path.insert(0, str(HERE))
from harness import finish, load_sibling, spark_session  # noqa: E402


def _timed_job(job, args: list[str], output: Path) -> tuple[float, dict, int]:
    shutil.rmtree(output, ignore_errors=True)
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        code = job.main([str(a) for a in args])
    seconds = time.perf_counter() - started
    if code not in (0, 2):
        raise SystemExit(f"workloads: {job.JOB_NAME} failed with exit code {code}")
    return seconds, json.loads((output / "_metrics.json").read_text()), code


def _figures(rows: int, spark_seconds: float, pandas_seconds: float, spark_counts: dict, pandas_counts: dict):
    return {
        "rows": rows,
        "spark_seconds": round(spark_seconds, 2),
        "spark_rows_per_second": round(rows / spark_seconds),
        "pandas_seconds": round(pandas_seconds, 2),
        "pandas_rows_per_second": round(rows / pandas_seconds),
        "spark_to_pandas_time_ratio": round(spark_seconds / pandas_seconds, 2),
        "spark_counts": spark_counts,
        "pandas_counts": pandas_counts,
        "results_agree": spark_counts == pandas_counts,
    }


def measure_dedup(rows: int, seed: int, workdir: Path) -> dict:
    from emr_jobs.dedup.datagen import JOB_ARGS, generate_events, write_events
    from emr_jobs.jobs import dedup

    reference = load_sibling("dedup_reference")
    path = workdir / f"events_{rows}.csv"
    write_events(generate_events(rows, seed).rows, path)
    output = workdir / f"dedup_{rows}"
    seconds, metrics, _ = _timed_job(dedup, ["--input", path, "--output", output, *JOB_ARGS], output)
    started = time.perf_counter()
    counts = reference.run(path, reference.Options(("customer_id", "region"), "updated_at", "latest_timestamp",
                                                   (("source", False),), "event_id"))  # fmt: skip
    pandas_seconds = time.perf_counter() - started
    spark_counts = {k: metrics[k] for k in ("kept_rows", "superseded_rows", "rejected_rows")}
    return {"job": "dedup", **_figures(rows, seconds, pandas_seconds, spark_counts, counts)}


def measure_tracker(rows: int, seed: int, workdir: Path) -> dict:
    from emr_jobs.jobs import aggregate, compare
    from emr_jobs.tracker.datagen import generate_tracker, write_table

    reference = load_sibling("tracker_reference")
    generated = generate_tracker(rows, seed)
    cities, official = workdir / f"cities_{rows}.csv", workdir / f"official_{rows}.csv"
    write_table(generated.cities, cities)
    write_table(generated.official, official)
    agg_out, cmp_out = workdir / f"aggregate_{rows}", workdir / f"compare_{rows}"
    agg_seconds, agg_metrics, _ = _timed_job(aggregate, ["--input", cities, "--output", agg_out], agg_out)
    cmp_seconds, cmp_metrics, _ = _timed_job(
        compare, ["--ours", agg_out / "state_daily", "--theirs", official, "--output", cmp_out, "--fail-above", "1"],
        cmp_out,
    )  # fmt: skip
    started = time.perf_counter()
    counts = reference.run(cities, official)
    pandas_seconds = time.perf_counter() - started
    spark_counts = {
        "valid_rows": agg_metrics["valid_rows"],
        "rejected_rows": agg_metrics["rejected_rows"],
        "state_days": agg_metrics["outputs"]["state_daily"]["rows"],
        "classes": cmp_metrics["classes"],
    }
    result = _figures(rows, agg_seconds + cmp_seconds, pandas_seconds, spark_counts, counts)
    result["spark_seconds_by_job"] = {"aggregate": round(agg_seconds, 2), "compare": round(cmp_seconds, 2)}
    return {"job": "aggregate+compare", **result}


MEASURES = {"dedup": measure_dedup, "tracker": measure_tracker}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--jobs", nargs="+", choices=sorted(MEASURES), default=sorted(MEASURES))
    parser.add_argument("--json", type=Path, help="write the result JSON here")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR, help="generated data and outputs")
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    spark = spark_session(args.master, "throughput")
    for name in args.jobs:  # warm-up: JIT, class loading, Python workers; not measured
        MEASURES[name](2_000, args.seed, args.workdir / "warm_up")
    results = []
    for rows in args.rows:
        for name in args.jobs:
            result = MEASURES[name](rows, args.seed, args.workdir)
            results.append(result)
            print(
                f"{result['job']:>17} {rows:>9} rows: spark {result['spark_rows_per_second']:>8} rows/s "
                f"({result['spark_seconds']} s), pandas {result['pandas_rows_per_second']:>8} rows/s "
                f"({result['pandas_seconds']} s), spark/pandas {result['spark_to_pandas_time_ratio']}x, "
                f"results agree: {result['results_agree']}",
                flush=True,
            )
    return finish(spark, "dedup and aggregate+compare throughput", args.master, results, args.json)


if __name__ == "__main__":
    raise SystemExit(main())
