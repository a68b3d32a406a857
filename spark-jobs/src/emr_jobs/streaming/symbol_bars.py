"""One symbol's state between micro-batches: its open bars (ticks still arriving) and the closed bars the
indicators look back on, kept as JSON text (the state row of applyInPandasWithState).

A bar [start, start + bar) closes when the watermark reaches its end: no tick of it can arrive on time any more.
Its indicators are then computed by the batch job's own code (financial.symbol_indicators.indicators_of_symbol)
over the kept history plus the bars closing now, so the stream states no second definition of any indicator.
"""

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from emr_jobs.financial.settings import IndicatorSettings
from emr_jobs.financial.symbol_indicators import added_columns, indicators_of_symbol

BAR_COLUMNS = ("open", "high", "low", "close", "volume")
# Per open bar, in this order: the OHLCV values, then what orders ticks and measures latency.
_OPEN_BAR_FIELDS = (*BAR_COLUMNS, "open_ts", "close_ts", "ticks", "last_arrival_ms")
_HISTORY_COLUMNS = ("timestamp", "close", "volume")  # all that indicators_of_symbol reads besides the bar's own


def bar_start(ts_us: pd.Series, bar_us: int) -> pd.Series:
    """The start of the bar holding each tick (epoch microseconds; floor, also before 1970)."""
    return ts_us - ts_us % bar_us


@dataclass
class SymbolBars:
    market: str | None = None
    open_bars: dict[int, list] = field(default_factory=dict)  # bar start (µs) -> _OPEN_BAR_FIELDS
    history: dict[str, list] = field(default_factory=lambda: {name: [] for name in _HISTORY_COLUMNS})

    @classmethod
    def from_json(cls, text: str) -> "SymbolBars":
        # json keeps every float exactly (repr round-trips), so a restored history gives the same indicators.
        data = json.loads(text)
        open_bars = {int(start): values for start, values in data["open_bars"].items()}
        return cls(data["market"], open_bars, data["history"])

    def to_json(self) -> str:
        open_bars = {str(start): values for start, values in self.open_bars.items()}
        return json.dumps({"market": self.market, "open_bars": open_bars, "history": self.history})

    def add_ticks(self, ticks: pd.DataFrame, bar_us: int) -> None:
        """Adds on-time ticks (ts_us, price, volume, arrival_ms, market). Within a bar the open is the earliest
        tick and the close the latest; ties go to the tick that arrived first (open) and last (close), and within
        one batch to the order (ts_us, price, volume), so a replayed batch builds the same bars."""
        if ticks.empty:
            return
        if self.market is None:
            self.market = str(ticks["market"].iloc[0])
        ordered = ticks.sort_values(["ts_us", "price", "volume"], kind="mergesort").assign(
            bar=lambda frame: bar_start(frame["ts_us"], bar_us)
        )
        summary = ordered.groupby("bar", sort=True).agg(
            open=("price", "first"),
            high=("price", "max"),
            low=("price", "min"),
            close=("price", "last"),
            volume=("volume", "sum"),
            open_ts=("ts_us", "first"),
            close_ts=("ts_us", "last"),
            ticks=("price", "size"),
            last_arrival_ms=("arrival_ms", "max"),
        )
        for start, row in summary.iterrows():
            self._merge(int(start), [row[name] for name in _OPEN_BAR_FIELDS])

    def _merge(self, start: int, new: list) -> None:
        values = dict(zip(_OPEN_BAR_FIELDS, new, strict=True))
        values = {key: (int(v) if key in ("open_ts", "close_ts", "ticks", "last_arrival_ms") else float(v))
                  for key, v in values.items()}  # fmt: skip
        old = self.open_bars.get(start)
        if old is None:
            self.open_bars[start] = [values[name] for name in _OPEN_BAR_FIELDS]
            return
        current = dict(zip(_OPEN_BAR_FIELDS, old, strict=True))
        if values["open_ts"] < current["open_ts"]:
            current["open"], current["open_ts"] = values["open"], values["open_ts"]
        if values["close_ts"] >= current["close_ts"]:
            current["close"], current["close_ts"] = values["close"], values["close_ts"]
        current["high"] = max(current["high"], values["high"])
        current["low"] = min(current["low"], values["low"])
        current["volume"] += values["volume"]
        current["ticks"] += values["ticks"]
        current["last_arrival_ms"] = max(current["last_arrival_ms"], values["last_arrival_ms"])
        self.open_bars[start] = [current[name] for name in _OPEN_BAR_FIELDS]

    def close_bars(self, watermark_us: int, bar_us: int) -> pd.DataFrame:
        """Removes and returns the bars whose end the watermark has reached, oldest first (columns: timestamp
        in µs, BAR_COLUMNS, ticks, last_arrival_ms)."""
        closing = sorted(start for start in self.open_bars if start + bar_us <= watermark_us)
        rows = [[start, *self.open_bars.pop(start)] for start in closing]
        frame = pd.DataFrame(rows, columns=["timestamp", *_OPEN_BAR_FIELDS])
        return frame.drop(columns=["open_ts", "close_ts"])

    def with_indicators(
        self, symbol: str, closed: pd.DataFrame, settings: IndicatorSettings, keep: int
    ) -> pd.DataFrame:
        """The closed bars with every indicator and anomaly column, computed over the kept history and them; the
        history then keeps the last `keep` bars. Exact (the batch job's numbers on the same bars) while the whole
        history fits in `keep`; beyond, EMA/RSI differ by the decayed effect of their start (see the batch job)."""
        history = pd.DataFrame(self.history, columns=list(_HISTORY_COLUMNS))
        series = pd.concat([history, closed[list(_HISTORY_COLUMNS)]], ignore_index=True)
        series["timestamp"] = series["timestamp"].astype("int64")
        series["symbol"] = symbol
        computed = indicators_of_symbol(series, settings)
        names = [column.name for column in added_columns(settings)]
        tail = computed[names].iloc[len(history) :].reset_index(drop=True)
        for name in _HISTORY_COLUMNS:
            kept = self.history[name] + [v.item() if isinstance(v, np.generic) else v for v in closed[name]]
            self.history[name] = kept[-keep:]
        result = pd.concat([closed.reset_index(drop=True), tail], axis=1)
        result.insert(0, "market", self.market)
        result.insert(0, "symbol", symbol)
        return result
