"""OHLCV bars replayed as ticks: each bar becomes four ticks (open, high, low, close at 0, 1/4, 1/2 and 3/4 of the
bar, the volume split evenly), written as JSON-lines files for the file source, a few bars per file, so a stream
run sees them arrive over several micro-batches. `run-local.sh stream` and the tests use it.

    python -m emr_jobs.streaming.tick_replay --bars spark-jobs/data/sample/ohlcv.csv --output DIR [--bar-seconds N]

Rows of the csv that do not parse as a bar are replayed as their own text (one bad tick each), so the stream's
rejected/ shows them too.
"""

import argparse
import datetime as dt
import json
import math
import os
import sys
import time
from pathlib import Path

import pandas as pd

_PRICE_ORDER = ("open", "high", "low", "close")


def ticks_of_bar(bar: dict, bar_seconds: int) -> list[dict]:
    """The four ticks of one bar (a dict with symbol, market, timestamp: datetime, OHLCV)."""
    step = dt.timedelta(seconds=bar_seconds / 4)
    return [
        {
            "symbol": bar["symbol"],
            "market": bar["market"],
            "ts": (bar["timestamp"] + step * index).isoformat().replace("+00:00", "Z"),
            "price": bar[name],
            "volume": bar["volume"] / 4,
        }
        for index, name in enumerate(_PRICE_ORDER)
    ]


def tick_lines(bars: pd.DataFrame, bar_seconds: int) -> list[str]:
    """JSON lines of the ticks of every bar in time order; a row that is no usable bar becomes one line of its
    original values (its bad value then earns the intake's reason)."""
    lines = []
    for row in bars.to_dict("records"):
        timestamp = pd.to_datetime(row.get("timestamp"), utc=True, errors="coerce")
        prices = pd.to_numeric(pd.Series([row.get(n) for n in (*_PRICE_ORDER, "volume")]), errors="coerce")
        usable = (
            not pd.isna(timestamp)
            and not prices.isna().any()
            and all(isinstance(row.get(k), str) for k in ("symbol", "market"))
        )
        if not usable:
            raw = {"symbol": row.get("symbol"), "market": row.get("market"), "ts": row.get("timestamp"),
                   "price": row.get("close"), "volume": row.get("volume")}  # fmt: skip
            lines.append(
                json.dumps({k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in raw.items()})
            )
            continue
        bar = {
            **row,
            "timestamp": timestamp.to_pydatetime(),
            **dict(zip((*_PRICE_ORDER, "volume"), prices.tolist(), strict=True)),
        }
        lines += [json.dumps(tick) for tick in ticks_of_bar(bar, bar_seconds)]
    return lines


def write_tick_files(lines: list[str], directory: Path, lines_per_file: int) -> list[Path]:
    """Numbered files of `lines_per_file` lines each. Spark's file source takes new files oldest first by
    modification time, and files written within one clock tick would tie, so each file gets its own second, in
    order, ending now."""
    directory.mkdir(parents=True, exist_ok=True)
    starts = range(0, len(lines), lines_per_file)
    first_second = time.time() - len(starts)
    paths = []
    for number, first in enumerate(starts):
        path = directory / f"ticks-{number:05d}.jsonl"
        path.write_text("\n".join(lines[first : first + lines_per_file]) + "\n", encoding="utf-8")
        os.utime(path, (first_second + number, first_second + number))
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="tick_replay", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--bars", required=True, help="OHLCV csv (symbol, market, timestamp, open, high, low, close, volume)"
    )
    parser.add_argument("--output", required=True, help="directory for the tick files (created)")
    parser.add_argument("--bar-seconds", type=int, default=86400, help="the bars' length (default 86400: daily bars)")
    parser.add_argument("--lines-per-file", type=int, default=200, help="ticks per file (default 200)")
    args = parser.parse_args(argv)
    try:
        bars = pd.read_csv(args.bars, dtype=str, keep_default_na=False).replace("", None)
    except (OSError, pd.errors.ParserError) as error:
        print(f"tick_replay: ERROR: cannot read --bars {args.bars}: {error}", file=sys.stderr)
        return 1
    bars = bars.sort_values("timestamp", kind="mergesort", na_position="last")
    paths = write_tick_files(tick_lines(bars, args.bar_seconds), Path(args.output), args.lines_per_file)
    print(f"tick_replay: {len(paths)} files in {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
