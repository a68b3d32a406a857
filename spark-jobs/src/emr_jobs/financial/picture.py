"""The financial picture written next to the outputs: per symbol, the close with its Bollinger bands and the
anomalies marked, so a person can look at a run instead of reading parquet."""

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from emr_jobs.framework.png import png_bytes

# Beyond this many symbols the panels become unreadable; the title says how many were left out.
MAX_SYMBOLS = 12
# Figures are made at the resolution they are saved at: png_bytes saves at the figure's own dpi, laying it out once.
PICTURE_DPI = 90
# A panel is 630 pixels wide (7 in at 90 dpi). Past this many time buckets per panel, the lines are drawn through
# the bars that hold each bucket's extremes only (see _extremes): the same picture, in a fraction of the time
# (12 symbols of 20k bars each took 5.6 s to draw in full).
_BUCKETS_PER_PANEL = 700
PICTURE_COLUMNS = ("symbol", "market", "timestamp", "close", "bb_upper", "bb_middle", "bb_lower", "anomaly_type")
_ANOMALY_GID = "anomalies"


@dataclass(frozen=True)
class PictureFacts:
    """What the picture shows, counted from its own artists (so a test can hold it to the data)."""

    symbols: tuple[str, ...]
    symbols_total: int
    bars_plotted: int
    anomaly_markers: int


def _extremes(one: pd.DataFrame, buckets: int = _BUCKETS_PER_PANEL) -> pd.DataFrame:
    """One symbol's bars (in time order) reduced to those that hold, in each of `buckets` equal runs of bars, the
    first and last bar, the lowest and highest close, the lowest lower band and the highest upper band: at pixel
    width every spike keeps its height. Short series are returned whole."""
    if len(one) <= 6 * buckets:
        return one
    frame = pd.DataFrame(
        {
            "bucket": np.arange(len(one)) * buckets // len(one),
            "close": one["close"].to_numpy(dtype="float64"),
            # The bands are NaN until their period has passed: as ±inf, such a bar never wins a minimum or maximum.
            "lower": one["bb_lower"].to_numpy(dtype="float64", na_value=np.inf),
            "upper": one["bb_upper"].to_numpy(dtype="float64", na_value=-np.inf),
        }
    )
    grouped = frame.groupby("bucket", sort=False)
    positions = np.concatenate(
        [
            grouped.head(1).index,
            grouped.tail(1).index,
            grouped["close"].idxmin(),
            grouped["close"].idxmax(),
            grouped["lower"].idxmin(),
            grouped["upper"].idxmax(),
        ]
    )
    return one.iloc[np.unique(positions)]


def symbol_panels(count: int, layout: str = "tight"):
    """A figure of `count` panels (one per symbol), two a row (one when alone), 7 x 2.8 in each: returns the figure
    and the `count` panels in order; the spare panel of an odd count is hidden. The figure is laid out when drawn
    (inside png_bytes, which keeps missing-glyph warnings of symbol names off stderr)."""
    import matplotlib

    matplotlib.use("Agg")  # no display on a cluster or in CI
    from matplotlib import pyplot as plt

    columns = 1 if count <= 1 else 2
    rows = max(1, math.ceil(count / columns))
    figure, axes = plt.subplots(
        rows, columns, figsize=(7 * columns, 2.8 * rows), dpi=PICTURE_DPI, squeeze=False, layout=layout
    )
    panels = [axes[index // columns][index % columns] for index in range(rows * columns)]
    for spare in panels[count:]:
        spare.set_visible(False)
    return figure, panels[:count]


def short_dates(axis) -> None:
    """A few short date labels (3 to 6) on the x axis, readable at a panel's size."""
    from matplotlib import dates as mdates

    locator = mdates.AutoDateLocator(minticks=3, maxticks=6)
    axis.xaxis.set_major_locator(locator)
    axis.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    axis.tick_params(labelsize=7)


def draw_overview(bars: pd.DataFrame, symbols_total: int, title: str) -> tuple[bytes, PictureFacts]:
    """A PNG of one panel per symbol in `bars` (PICTURE_COLUMNS); returns its bytes and what it shows."""
    from matplotlib import pyplot as plt

    symbols = tuple(sorted(bars["symbol"].unique()))
    figure, panels = symbol_panels(len(symbols))
    try:
        for axis, symbol in zip(panels, symbols, strict=True):
            one = bars[bars["symbol"] == symbol].sort_values("timestamp", kind="mergesort")
            drawn = _extremes(one)
            axis.fill_between(drawn["timestamp"], drawn["bb_lower"], drawn["bb_upper"], color="tab:blue", alpha=0.15,
                              linewidth=0, label="Bollinger band")  # fmt: skip
            axis.plot(drawn["timestamp"], drawn["bb_middle"], color="tab:blue", linewidth=0.8, linestyle="--")
            axis.plot(drawn["timestamp"], drawn["close"], color="black", linewidth=0.9, label="close")
            marked = one[one["anomaly_type"].notna()]  # every anomaly is marked, whatever the lines were drawn from
            axis.scatter(marked["timestamp"], marked["close"], color="tab:red", s=18, zorder=3, label="anomaly",
                         gid=_ANOMALY_GID)  # fmt: skip
            axis.set_title(f"{symbol} ({one['market'].iloc[0]}): {len(marked)} anomalies", fontsize=9)
            short_dates(axis)
        if panels:
            panels[0].legend(fontsize=7, loc="upper left")
        shown = f"{len(symbols)} of {symbols_total} symbols" if symbols_total > len(symbols) else "all symbols"
        figure.suptitle(f"{title} ({shown})", fontsize=11)
        markers = sum(
            len(collection.get_offsets())
            for axis in figure.axes
            for collection in axis.collections
            if collection.get_gid() == _ANOMALY_GID
        )
        png = png_bytes(figure)
    finally:
        plt.close(figure)
    return png, PictureFacts(symbols, symbols_total, len(bars), markers)
