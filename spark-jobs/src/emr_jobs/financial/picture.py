"""The financial picture written next to the outputs: per symbol, the close with its Bollinger bands and the
anomalies marked, so a person can look at a run instead of reading parquet."""

import io
import math
from dataclasses import dataclass

import pandas as pd

# Beyond this many symbols the panels become unreadable; the title says how many were left out.
MAX_SYMBOLS = 12
PICTURE_COLUMNS = ("symbol", "market", "timestamp", "close", "bb_upper", "bb_middle", "bb_lower", "anomaly_type")
_ANOMALY_GID = "anomalies"


@dataclass(frozen=True)
class PictureFacts:
    """What the picture shows, counted from its own artists (so a test can hold it to the data)."""

    symbols: tuple[str, ...]
    symbols_total: int
    bars_plotted: int
    anomaly_markers: int


def draw_overview(bars: pd.DataFrame, symbols_total: int, title: str) -> tuple[bytes, PictureFacts]:
    """A PNG of one panel per symbol in `bars` (PICTURE_COLUMNS); returns its bytes and what it shows."""
    import matplotlib

    matplotlib.use("Agg")  # no display on a cluster or in CI
    from matplotlib import pyplot as plt

    symbols = tuple(sorted(bars["symbol"].unique()))
    columns = 1 if len(symbols) <= 1 else 2
    rows = max(1, math.ceil(len(symbols) / columns))
    figure, axes = plt.subplots(rows, columns, figsize=(7 * columns, 2.8 * rows), squeeze=False)
    try:
        for index, symbol in enumerate(symbols):
            axis = axes[index // columns][index % columns]
            one = bars[bars["symbol"] == symbol].sort_values("timestamp", kind="mergesort")
            axis.fill_between(one["timestamp"], one["bb_lower"], one["bb_upper"], color="tab:blue", alpha=0.15,
                              linewidth=0, label="Bollinger band")  # fmt: skip
            axis.plot(one["timestamp"], one["bb_middle"], color="tab:blue", linewidth=0.8, linestyle="--")
            axis.plot(one["timestamp"], one["close"], color="black", linewidth=0.9, label="close")
            marked = one[one["anomaly_type"].notna()]
            axis.scatter(marked["timestamp"], marked["close"], color="tab:red", s=18, zorder=3, label="anomaly",
                         gid=_ANOMALY_GID)  # fmt: skip
            axis.set_title(f"{symbol} ({one['market'].iloc[0]}): {len(marked)} anomalies", fontsize=9)
            axis.tick_params(labelsize=7)
        for index in range(len(symbols), rows * columns):
            axes[index // columns][index % columns].set_visible(False)
        if symbols:
            axes[0][0].legend(fontsize=7, loc="upper left")
        shown = f"{len(symbols)} of {symbols_total} symbols" if symbols_total > len(symbols) else "all symbols"
        figure.suptitle(f"{title} ({shown})", fontsize=11)
        figure.tight_layout()
        markers = sum(
            len(collection.get_offsets())
            for axis in figure.axes
            for collection in axis.collections
            if collection.get_gid() == _ANOMALY_GID
        )
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=90)
    finally:
        plt.close(figure)
    return buffer.getvalue(), PictureFacts(symbols, symbols_total, len(bars), markers)
