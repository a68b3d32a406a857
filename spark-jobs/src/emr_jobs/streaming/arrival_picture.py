"""The stream's bars as they arrived: per symbol, the close of each bar, each point coloured by the micro-batch that
wrote it, so the picture shows the stream filling in over time (a bar is written once the watermark passes its
end). Read from a local financial_stream --output (bars/batch=<id>/ parquet) without Spark.

    python -m emr_jobs.streaming.arrival_picture --output spark-jobs/output/financial_stream

writes <output>/bars_by_batch.png and prints its path; `run-local.sh stream` (and so `npm start`) runs it after the
job.
"""

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from emr_jobs.financial.picture import short_dates, symbol_panels
from emr_jobs.framework.png import png_bytes
from emr_jobs.streaming.batch_output import BARS, BATCH_PARTITION

PICTURE_FILE = "bars_by_batch.png"
_BATCH_POINTS_GID = "batch-points"


@dataclass(frozen=True)
class ArrivalFacts:
    """What the picture shows, counted from its own artists (so a test can hold it to the data)."""

    symbols: tuple[str, ...]
    batches: tuple[int, ...]
    points: int


def read_bars(output: Path) -> pd.DataFrame:
    """symbol, market, timestamp, close and batch (int) of every bar under `output`/bars/; empty without bars."""
    bars = output / BARS
    if not any(bars.rglob("*.parquet")):
        return pd.DataFrame(columns=["symbol", "market", "timestamp", "close", BATCH_PARTITION])
    table = pq.read_table(bars, columns=["symbol", "market", "timestamp", "close", BATCH_PARTITION],
                          partitioning="hive")  # fmt: skip
    frame = table.to_pandas()
    frame[BATCH_PARTITION] = frame[BATCH_PARTITION].astype("int64")
    return frame


def draw_arrival(bars: pd.DataFrame) -> tuple[bytes, ArrivalFacts]:
    """A PNG of one panel per symbol: the close line, and a point per bar in its batch's colour (one colour scale
    for every panel, batch 0 darkest)."""
    import matplotlib
    from matplotlib import pyplot as plt

    symbols = tuple(sorted(bars["symbol"].unique()))
    batches = tuple(sorted(int(b) for b in bars[BATCH_PARTITION].unique()))
    # Constrained, not tight: tight layout cannot place the colour bar beside the panels.
    figure, panels = symbol_panels(len(symbols), layout="constrained")
    try:
        low, high = (batches[0], batches[-1]) if batches else (0, 1)
        norm = matplotlib.colors.Normalize(vmin=low, vmax=max(high, low + 1))
        points = None
        for axis, symbol in zip(panels, symbols, strict=True):
            one = bars[bars["symbol"] == symbol].sort_values("timestamp", kind="mergesort")
            axis.plot(one["timestamp"], one["close"], color="lightgray", linewidth=0.8, zorder=1)
            points = axis.scatter(one["timestamp"], one["close"], c=one[BATCH_PARTITION], cmap="viridis", norm=norm,
                                  s=10, zorder=2, gid=_BATCH_POINTS_GID)  # fmt: skip
            axis.set_title(f"{symbol} ({one['market'].iloc[0]}): {len(one)} bars", fontsize=9)
            short_dates(axis)
        if points is not None:
            bar = figure.colorbar(points, ax=panels, shrink=0.8)
            bar.set_label("micro-batch that wrote the bar", fontsize=8)
        figure.suptitle(f"financial_stream: bar closes by the micro-batch that wrote them ({len(batches)} batches)",
                        fontsize=11)  # fmt: skip
        collections = [c for axis in figure.axes for c in axis.collections if c.get_gid() == _BATCH_POINTS_GID]
        drawn = sum(len(c.get_offsets()) for c in collections)
        png = png_bytes(figure)
    finally:
        plt.close(figure)
    return png, ArrivalFacts(symbols, batches, drawn)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="arrival_picture", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--output", required=True, help="a local financial_stream --output directory")
    args = parser.parse_args(argv)
    output = Path(args.output)
    bars = read_bars(output)
    if bars.empty:
        print(f"arrival_picture: ERROR: no bars under {output / BARS}; fix: run spark-jobs/run-local.sh stream first",
              file=sys.stderr)  # fmt: skip
        return 1
    png, facts = draw_arrival(bars)
    path = output / PICTURE_FILE
    path.write_bytes(png)
    print(f"Picture (per symbol: bar closes coloured by the micro-batch that wrote them; {len(facts.batches)} "
          f"micro-batches wrote bars): {path}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
