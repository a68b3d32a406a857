"""Throughput of the financial processor on local[2] against the single-process pandas + TA-Lib reference.

    python spark-jobs/bench/throughput.py --rows 100000 1000000 --json out.json

For each size: generates seeded OHLCV data (5-minute bars, 50 symbols, 2% bad rows) as CSV, runs the Spark job
end to end (read, cleanse, indicators, anomalies, summary, partitioned parquet writes) in a local[2] session
already warmed up on a small input, then the pandas reference on the same file, and checks both agree on the
valid-row, anomaly and market-day counts. Prints and writes rows/s for each and the pandas/Spark ratio.
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
DEFAULT_WORKDIR = HERE.parent / "output" / "bench"


def _generate(rows: int, symbols: int, seed: int, path: Path) -> None:
    from emr_jobs.datagen import generate_bars, write_bars

    generated = generate_bars(rows=rows, symbols=symbols, seed=seed, interval_minutes=5, bad_row_fraction=0.02)
    write_bars(generated.rows, path, "csv")


def run_financial_job(input_path: Path, output: Path, *extra: str) -> tuple[float, dict]:
    """financial_data_processor end to end on `input_path` (with `extra` arguments): its wall seconds and metrics."""
    from emr_jobs.jobs import financial_data_processor

    shutil.rmtree(output, ignore_errors=True)
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        code = financial_data_processor.main(["--input", str(input_path), "--output", str(output), *extra])
    seconds = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"throughput: the Spark job failed with exit code {code}")
    return seconds, json.loads((output / "_metrics.json").read_text())


def measure(rows: int, symbols: int, seed: int, workdir: Path, reference) -> dict:
    input_path = workdir / f"ohlcv_{rows}.csv"
    _generate(rows, symbols, seed, input_path)
    spark_seconds, metrics = run_financial_job(input_path, workdir / f"spark_{rows}")
    shutil.rmtree(workdir / f"pandas_{rows}", ignore_errors=True)
    started = time.perf_counter()
    counts = reference.run(input_path, workdir / f"pandas_{rows}")
    pandas_seconds = time.perf_counter() - started
    spark_counts = {
        "valid_rows": metrics["valid_rows"],
        "anomalies": metrics["anomalies"],
        "market_days": metrics["outputs"]["market_summary"]["rows"],
    }
    pandas_counts = {key: counts[key] for key in spark_counts}
    return {
        "rows": rows,
        "symbols": symbols,
        "spark_seconds": round(spark_seconds, 2),
        "spark_rows_per_second": round(rows / spark_seconds),
        "pandas_seconds": round(pandas_seconds, 2),
        "pandas_rows_per_second": round(rows / pandas_seconds),
        "pandas_to_spark_speed_ratio": round(spark_seconds / pandas_seconds, 2),
        "spark_counts": spark_counts,
        "pandas_counts": pandas_counts,
        "results_agree": spark_counts == pandas_counts,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--json", type=Path, help="write the result JSON here")
    parser.add_argument("--symbols", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR, help="generated data and outputs")
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    reference = load_sibling("pandas_reference")
    spark = spark_session(args.master, "throughput")
    warm_up_input = args.workdir / "warm_up.csv"
    _generate(5_000, 5, args.seed, warm_up_input)  # JIT, class loading and Python workers, not measured
    run_financial_job(warm_up_input, args.workdir / "spark_warm_up")
    results = []
    for rows in args.rows:
        result = measure(rows, args.symbols, args.seed, args.workdir, reference)
        results.append(result)
        print(
            f"{rows:>9} rows: spark {result['spark_rows_per_second']:>8} rows/s ({result['spark_seconds']} s), "
            f"pandas {result['pandas_rows_per_second']:>8} rows/s ({result['pandas_seconds']} s), "
            f"pandas is {result['pandas_to_spark_speed_ratio']}x faster, results agree: {result['results_agree']}",
            flush=True,
        )
    return finish(spark, "financial_data_processor throughput", args.master, results, args.json)


if __name__ == "__main__":
    raise SystemExit(main())
