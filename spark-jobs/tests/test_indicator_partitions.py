"""The job's indicator pass reads whole symbols per partition (no second shuffle): the layout it relies on, and that
it gives exactly what the per-symbol groupBy pass gives."""

import pandas as pd
from support import raw_rows_frame

from emr_jobs.datagen import generate_bars
from emr_jobs.financial.cleansing import classify_bars, valid_bars
from emr_jobs.financial.settings import IndicatorSettings
from emr_jobs.financial.symbol_indicators import add_indicators_by_partition, add_symbol_indicators


def _classified(spark):
    generated = generate_bars(rows=1200, symbols=7, seed=31, bad_row_fraction=0.03)
    shuffled = generated.rows.sample(frac=1.0, random_state=3)  # arrival order says nothing about symbols
    rows = shuffled.astype(object).where(shuffled.notna(), None).to_dict("records")
    return classify_bars(raw_rows_frame(spark, rows))


def test_classification_shuffles_once_and_by_symbol(spark):
    plan = _classified(spark)._jdf.queryExecution().executedPlan().toString()
    exchanges = [line.strip() for line in plan.splitlines() if "Exchange " in line]
    assert len(exchanges) == 1, plan
    assert "hashpartitioning(symbol#" in exchanges[0] and "REPARTITION_BY_COL" in exchanges[0], exchanges[0]


def test_partitions_hold_whole_symbols(spark):
    valid = valid_bars(_classified(spark))
    per_partition = valid.rdd.mapPartitionsWithIndex(lambda i, rows: [(i, row["symbol"]) for row in rows]).collect()
    partitions_of = pd.DataFrame(per_partition, columns=["partition", "symbol"]).groupby("symbol")["partition"]
    assert len(partitions_of.nunique()) == 7
    assert partitions_of.nunique().max() == 1


def test_the_partition_pass_equals_the_per_symbol_pass(spark):
    valid = valid_bars(_classified(spark))
    settings = IndicatorSettings()
    keys = ["symbol", "timestamp"]
    by_partition = add_indicators_by_partition(valid, settings).toPandas().sort_values(keys).reset_index(drop=True)
    by_symbol = add_symbol_indicators(valid, settings).toPandas().sort_values(keys).reset_index(drop=True)
    assert len(by_partition) == valid.count() > 1000
    pd.testing.assert_frame_equal(by_partition, by_symbol, check_exact=True)
