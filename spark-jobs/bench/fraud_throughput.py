"""Throughput of fraud_detection on local[2] against its single-process pandas reference, in the same run.

    python spark-jobs/bench/fraud_throughput.py --rows 100000 1000000 --json out.json

For each size: generates seeded claims (2% bad rows, planted patterns) as CSV, runs the Spark job end to end (read,
cleanse, detections, score, five parquet outputs, metrics, picture) in a local[2] session already warmed up on a
small input, then the pandas reference (fraud_reference.py: read, cleanse, detections, the same five parquet
outputs) on the same file, and checks both agree on the scored, rejected, flagged, high-risk and duplicate counts.
Prints and writes rows/s for each and the Spark/pandas time ratio (target: 3 or less).
"""

import argparse
import contextlib
import io
import json
import shutil
import time
from pathlib import Path

from harness import finish, load_sibling, spark_session

HERE = Path(__file__).resolve().parent
DEFAULT_WORKDIR = HERE.parent / "output" / "bench_fraud"
TARGET_RATIO = 3.0


def _generate(rows: int, seed: int, path: Path) -> None:
    from emr_jobs.fraud.datagen import generate_claims, write_claims

    write_claims(generate_claims(rows=rows, seed=seed).rows, path, "csv")


def _run_spark(input_path: Path, output: Path) -> tuple[float, dict]:
    from emr_jobs.jobs import fraud_detection

    shutil.rmtree(output, ignore_errors=True)
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        code = fraud_detection.main(["--input", str(input_path), "--output", str(output), "--date", "2025-01-01"])
    seconds = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"fraud_throughput: the Spark job failed with exit code {code}")
    return seconds, json.loads((output / "_runs" / "date=2025-01-01" / "_metrics.json").read_text())


def measure(rows: int, seed: int, workdir: Path, reference) -> dict:
    input_path = workdir / f"claims_{rows}.csv"
    _generate(rows, seed, input_path)
    spark_seconds, metrics = _run_spark(input_path, workdir / f"spark_{rows}")
    shutil.rmtree(workdir / f"pandas_{rows}", ignore_errors=True)
    started = time.perf_counter()
    counts = reference.run(input_path, workdir / f"pandas_{rows}")
    pandas_seconds = time.perf_counter() - started
    spark_counts = {
        "scored_rows": metrics["scored_rows"],
        "rejected_rows": metrics["rejected_rows"],
        "flagged": metrics["flagged"],
        "high_risk": metrics["high_risk"],
        "exact_duplicates": metrics["flags"]["is_exact_duplicate"],
        "near_duplicates": metrics["flags"]["is_near_duplicate"],
    }
    pandas_counts = {key: counts[key] for key in spark_counts}
    ratio = spark_seconds / pandas_seconds
    return {
        "rows": rows,
        "spark_seconds": round(spark_seconds, 2),
        "spark_rows_per_second": round(rows / spark_seconds),
        "pandas_seconds": round(pandas_seconds, 2),
        "pandas_rows_per_second": round(rows / pandas_seconds),
        "spark_to_pandas_time_ratio": round(ratio, 2),
        "within_target": ratio <= TARGET_RATIO,
        "spark_counts": spark_counts,
        "pandas_counts": pandas_counts,
        "results_agree": spark_counts == pandas_counts,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000], help="sizes to measure")
    parser.add_argument("--json", type=Path, help="write the result JSON here")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR, help="generated data and outputs")
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    reference = load_sibling("fraud_reference")
    spark = spark_session(args.master, "fraud-throughput")
    warm_up_input = args.workdir / "warm_up.csv"
    _generate(2_000, args.seed, warm_up_input)  # JIT, class loading and Python workers, not measured
    _run_spark(warm_up_input, args.workdir / "spark_warm_up")
    results = []
    for rows in args.rows:
        result = measure(rows, args.seed, args.workdir, reference)
        results.append(result)
        print(
            f"fraud {rows:>9} rows: spark {result['spark_rows_per_second']:>8} rows/s ({result['spark_seconds']} s), "
            f"pandas {result['pandas_rows_per_second']:>8} rows/s ({result['pandas_seconds']} s), "
            f"spark/pandas time {result['spark_to_pandas_time_ratio']}x (target <= {TARGET_RATIO}), "
            f"results agree: {result['results_agree']}",
            flush=True,
        )
    return finish(spark, "fraud_detection throughput", args.master, results, args.json, target_ratio=TARGET_RATIO)


if __name__ == "__main__":
    raise SystemExit(main())
