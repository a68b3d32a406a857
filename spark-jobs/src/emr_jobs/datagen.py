"""Seeded OHLCV generator with planted anomalies and planted bad rows, for tests, samples and benchmarks.

Prices follow a geometric random walk per symbol; a planted PRICE anomaly is a return shock of 10-14 sigma,
a planted VOLUME anomaly a 10-16x volume spike. Every bad row is a copy of a good bar with one defect (or an
exact duplicate), so a correct processor keeps every good bar and rejects exactly the planted bad rows.

    python -m emr_jobs.datagen --rows 100000 --symbols 50 --seed 7 --output ohlcv.csv --format csv
"""

import argparse
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

FORMATS = ("csv", "json", "parquet")
MARKETS = ("NASDAQ", "NYSE")
NAMED_SYMBOLS = ("AAPL", "JPM", "MSFT", "XOM", "NVDA", "KO", "AMZN", "GS")
COLUMNS = ("symbol", "market", "timestamp", "open", "high", "low", "close", "volume", "source")
# Defects a bad row can carry; parquet is typed, so text that cannot parse is not representable there.
BAD_ROW_KINDS = (
    "null_symbol",
    "null_market",
    "null_timestamp",
    "null_close",
    "unparsable_timestamp",
    "unparsable_number",
    "non_positive_price",
    "high_below_low",
    "close_outside_range",
    "negative_volume",
    "duplicate",
)
TEXT_ONLY_KINDS = ("unparsable_timestamp",)
WARM_UP_BARS = 30  # planted anomalies start after the default z-score min periods


@dataclass(frozen=True)
class GeneratedBars:
    rows: pd.DataFrame  # every column as text, in output order
    planted_anomalies: pd.DataFrame  # symbol, timestamp, anomaly_type
    bad_rows: pd.DataFrame  # rows as written, with the defect planted in `kind`


def _symbols(count: int) -> list[str]:
    return [NAMED_SYMBOLS[i] if i < len(NAMED_SYMBOLS) else f"SYM{i:04d}" for i in range(count)]


def _format_price(values: np.ndarray) -> np.ndarray:
    return np.char.mod("%.4f", np.round(values, 4))


def _symbol_bars(rng: np.random.Generator, bars: int, anomaly_fraction: float) -> tuple[dict, dict]:
    sigma = rng.uniform(0.005, 0.02)
    returns = rng.normal(0.0002, sigma, bars)
    base_volume = rng.uniform(2e4, 2e6)
    volume = base_volume * np.exp(rng.normal(0.0, 0.25, bars))
    planted: dict[int, str] = {}
    eligible = np.arange(WARM_UP_BARS, bars)
    count = min(len(eligible), round(bars * anomaly_fraction))
    if count:
        for index in rng.choice(eligible, size=count, replace=False):
            kind = ("PRICE", "VOLUME", "PRICE_VOLUME")[rng.integers(0, 3)]
            if kind in ("PRICE", "PRICE_VOLUME"):
                returns[index] = rng.choice([-1.0, 1.0]) * rng.uniform(10, 14) * sigma
            if kind in ("VOLUME", "PRICE_VOLUME"):
                volume[index] = base_volume * rng.uniform(10, 16)
            planted[int(index)] = kind
    close = rng.uniform(20, 500) * np.exp(np.cumsum(returns))
    previous_close = np.concatenate([[close[0] / np.exp(returns[0])], close[:-1]])
    open_ = previous_close * np.exp(rng.normal(0.0, sigma / 4, bars))
    high = np.maximum(open_, close) * (1 + np.abs(rng.normal(0.0, sigma / 2, bars)))
    low = np.minimum(open_, close) * (1 - np.abs(rng.normal(0.0, sigma / 2, bars)))
    columns = {
        "open": _format_price(open_),
        "high": _format_price(high),
        "low": _format_price(low),
        "close": _format_price(close),
        "volume": np.char.mod("%d", np.round(volume).astype(np.int64)),
    }
    return columns, planted


def generate_bars(
    rows: int,
    symbols: int,
    seed: int,
    input_format: str = "csv",
    start: dt.datetime = dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
    interval_minutes: int = 1440,
    bad_row_fraction: float = 0.02,
    anomaly_fraction: float = 0.003,
) -> GeneratedBars:
    if rows < 1 or symbols < 1:
        raise ValueError("rows and symbols must be positive")
    rng = np.random.default_rng(seed)
    bad_count = round(rows * bad_row_fraction)
    good_count = rows - bad_count
    names = _symbols(symbols)
    per_symbol = [good_count // symbols + (1 if i < good_count % symbols else 0) for i in range(symbols)]
    frames, planted_rows = [], []
    step = pd.Timedelta(minutes=interval_minutes)
    for i, (name, bars) in enumerate(zip(names, per_symbol, strict=True)):
        if bars == 0:
            continue
        columns, planted = _symbol_bars(rng, bars, anomaly_fraction)
        times = pd.date_range(start=pd.Timestamp(start), periods=bars, freq=step)
        stamps = times.strftime("%Y-%m-%dT%H:%M:%SZ").to_numpy()
        frame = pd.DataFrame(
            {"symbol": name, "market": MARKETS[i % len(MARKETS)], "timestamp": stamps, **columns, "source": "synthetic"}
        )
        frames.append(frame)
        planted_rows += [(name, stamps[index], kind) for index, kind in sorted(planted.items())]
    good = pd.concat(frames, ignore_index=True)
    bad = _bad_rows(rng, good, bad_count, input_format)
    # Bad rows land at random places among good bars, and good bars arrive interleaved across symbols.
    good = good.sort_values(["timestamp", "symbol"], kind="mergesort", ignore_index=True)
    combined = pd.concat([good, bad.drop(columns="kind")], ignore_index=True)
    order = np.arange(len(combined))
    if len(bad):  # keep good bars in time order, scatter bad ones
        positions = np.sort(rng.choice(len(combined), size=len(bad), replace=False))
        order = np.empty(len(combined), dtype=np.int64)
        mask = np.zeros(len(combined), dtype=bool)
        mask[positions] = True
        order[mask] = np.arange(len(good), len(combined))
        order[~mask] = np.arange(len(good))
    rows_out = combined.iloc[order].reset_index(drop=True)
    planted_frame = pd.DataFrame(planted_rows, columns=["symbol", "timestamp", "anomaly_type"])
    return GeneratedBars(rows=rows_out, planted_anomalies=planted_frame, bad_rows=bad.reset_index(drop=True))


def _bad_rows(rng: np.random.Generator, good: pd.DataFrame, count: int, input_format: str) -> pd.DataFrame:
    kinds = [k for k in BAD_ROW_KINDS if input_format != "parquet" or k not in TEXT_ONLY_KINDS]
    if count == 0:
        return pd.DataFrame(columns=[*COLUMNS, "kind"])
    sources = good.iloc[rng.choice(len(good), size=count, replace=False)].copy().reset_index(drop=True)
    sources["kind"] = [kinds[i % len(kinds)] for i in range(count)]
    for index, kind in enumerate(sources["kind"]):
        row = sources.loc[index]
        if kind.startswith("null_"):
            sources.loc[index, kind.removeprefix("null_")] = None
        elif kind == "unparsable_timestamp":
            sources.loc[index, "timestamp"] = "2024-13-45T25:61:00Z"
        elif kind == "unparsable_number":
            sources.loc[index, "volume"] = "NaN" if input_format == "parquet" else "12k"
        elif kind == "non_positive_price":
            sources.loc[index, "low"] = "0.0000"
        elif kind == "high_below_low":
            sources.loc[index, ["high", "low"]] = [row["low"], row["high"]]
            if float(row["high"]) == float(row["low"]):
                sources.loc[index, "low"] = f"{float(row['high']) + 1:.4f}"
        elif kind == "close_outside_range":
            sources.loc[index, "close"] = f"{float(row['high']) * 1.05 + 0.01:.4f}"
        elif kind == "negative_volume":
            sources.loc[index, "volume"] = "-100"
        # "duplicate" stays an exact copy
    return sources


def write_bars(rows: pd.DataFrame, path: str | Path, output_format: str) -> None:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if output_format == "csv":
        rows.to_csv(target, index=False)
    elif output_format == "json":
        rows.to_json(target, orient="records", lines=True)
    elif output_format == "parquet":
        pq.write_table(_typed_table(rows), target, compression="snappy", coerce_timestamps="us")
    else:
        raise ValueError(f"unknown format {output_format}")


def _typed_table(rows: pd.DataFrame) -> pa.Table:
    def number(column: str) -> pa.Array:
        # pa.array keeps a planted NaN as NaN; only a missing value becomes null
        return pa.array(rows[column].astype("float64").to_numpy(), mask=rows[column].isna().to_numpy())

    timestamps = pd.to_datetime(rows["timestamp"], utc=True, format="ISO8601")
    return pa.table(
        {
            "symbol": pa.array(rows["symbol"], type=pa.string()),
            "market": pa.array(rows["market"], type=pa.string()),
            "timestamp": pa.array(timestamps, type=pa.timestamp("us", tz="UTC")),
            **{column: number(column) for column in ("open", "high", "low", "close", "volume")},
            "source": pa.array(rows["source"], type=pa.string()),
        }
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="datagen", description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--rows", type=int, required=True, help="total rows, bad rows included")
    parser.add_argument("--symbols", type=int, default=10)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--output", required=True, help="file to write")
    parser.add_argument("--format", choices=FORMATS, default="csv")
    parser.add_argument("--interval-minutes", type=int, default=1440, help="bar length (default 1440: daily)")
    parser.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2024, 1, 1), help="first bar's date")
    parser.add_argument("--bad-row-fraction", type=float, default=0.02)
    parser.add_argument("--anomaly-fraction", type=float, default=0.003)
    args = parser.parse_args(argv)
    generated = generate_bars(
        rows=args.rows,
        symbols=args.symbols,
        seed=args.seed,
        input_format=args.format,
        start=dt.datetime.combine(args.start, dt.time(), tzinfo=dt.UTC),
        interval_minutes=args.interval_minutes,
        bad_row_fraction=args.bad_row_fraction,
        anomaly_fraction=args.anomaly_fraction,
    )
    write_bars(generated.rows, args.output, args.format)
    print(
        f"datagen: wrote {len(generated.rows)} rows ({len(generated.bad_rows)} bad, "
        f"{len(generated.planted_anomalies)} planted anomalies) to {args.output}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
