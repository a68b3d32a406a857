"""Ticks → closed bars with indicators, per symbol, with the state kept across micro-batches
(applyInPandasWithState). Every tick the operator receives leaves it as something: part of a bar, or a
rejected row (its intake reason, or `late`), so nothing is dropped silently.

Late is decided here, against the batch's watermark as the operator sees it (GroupState.getCurrentWatermarkMs):
a tick whose time is behind it belongs to a bar already written. NoTimeout on purpose: with EventTimeTimeout
Spark filters late rows out before the function, uncounted (FlatMapGroupsWithStateExec); a symbol's bars close
when its next ticks arrive after the watermark has passed their end.
"""

from collections.abc import Iterator

import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql.streaming.state import GroupState, GroupStateTimeout
from pyspark.sql.types import DoubleType, LongType, StringType, StructField, StructType

from emr_jobs.financial.settings import IndicatorSettings
from emr_jobs.financial.symbol_indicators import added_columns
from emr_jobs.framework.intake import RAW_RECORD_COLUMN, REJECT_REASON_COLUMN
from emr_jobs.streaming.symbol_bars import BAR_COLUMNS, SymbolBars
from emr_jobs.streaming.ticks import LATE, TEXT_COLUMNS

# What each output row is.
BAR, REJECTED, SEEN = "bar", "rejected", "seen"
KIND = "kind"
GROUP = "_group"  # the symbol of a valid tick; every rejected tick shares the group REJECTED_GROUP
REJECTED_GROUP = ""  # never a symbol: the intake reads a blank symbol as null
_STATE_SCHEMA = StructType([StructField("bars", StringType())])


def output_schema(settings: IndicatorSettings) -> StructType:
    """kind; a bar's columns (timestamp = bar start in epoch µs); a rejected tick's texts and reason; and per
    group and batch a `seen` row (ticks received, the watermark) for the progress record."""
    return StructType(
        [StructField(KIND, StringType()), StructField("symbol", StringType()), StructField("market", StringType()),
         StructField("timestamp_us", LongType())]
        + [StructField(name, DoubleType()) for name in BAR_COLUMNS]
        + added_columns(settings)
        + [StructField("ticks", LongType()), StructField("last_arrival_ms", LongType())]
        + [StructField(name, StringType()) for name in (*TEXT_COLUMNS, RAW_RECORD_COLUMN, REJECT_REASON_COLUMN)]
        + [StructField("seen_rows", LongType()), StructField("watermark_ms", LongType())]
    )  # fmt: skip


def _rejected_rows(ticks: pd.DataFrame, reason: pd.Series) -> pd.DataFrame:
    rows = ticks[[*TEXT_COLUMNS, RAW_RECORD_COLUMN]].copy()
    rows[REJECT_REASON_COLUMN] = reason.to_numpy()
    rows[KIND] = REJECTED
    return rows


def bars_with_state(ticks: DataFrame, settings: IndicatorSettings, bar_seconds: int, history_bars: int) -> DataFrame:
    """`ticks` (classify_ticks' columns plus ts_us, arrival_ms and GROUP, with a watermark on `ts`) → the rows of
    output_schema: bars as they close, rejected and late ticks, and the `seen` rows."""
    schema = output_schema(settings)
    names = schema.fieldNames()
    bar_us = bar_seconds * 1_000_000

    def step(key: tuple, frames: Iterator[pd.DataFrame], state: GroupState) -> Iterator[pd.DataFrame]:
        (group,) = key
        rows = pd.concat(list(frames), ignore_index=True)
        watermark_ms = int(state.getCurrentWatermarkMs())
        pieces = [pd.DataFrame({KIND: [SEEN], "seen_rows": [len(rows)], "watermark_ms": [watermark_ms]})]
        invalid = rows[REJECT_REASON_COLUMN].notna()
        pieces.append(_rejected_rows(rows[invalid], rows.loc[invalid, REJECT_REASON_COLUMN]))
        valid = rows[~invalid]
        late = valid["ts_us"] < watermark_ms * 1000
        pieces.append(_rejected_rows(valid[late], pd.Series(LATE, index=valid.index[late])))
        if group != REJECTED_GROUP:
            bars = SymbolBars.from_json(state.get[0]) if state.exists else SymbolBars()
            bars.add_ticks(valid[~late], bar_us)
            closed = bars.close_bars(watermark_ms * 1000, bar_us)
            if not closed.empty:
                computed = bars.with_indicators(group, closed, settings, history_bars)
                pieces.append(computed.rename(columns={"timestamp": "timestamp_us"}).assign(**{KIND: BAR}))
            state.update((bars.to_json(),))
        yield pd.concat([piece.reindex(columns=names) for piece in pieces], ignore_index=True)

    return ticks.groupBy(GROUP).applyInPandasWithState(
        step, schema, _STATE_SCHEMA, outputMode="append", timeoutConf=GroupStateTimeout.NoTimeout
    )
