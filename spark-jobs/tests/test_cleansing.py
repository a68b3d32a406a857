"""Every reject reason, their priority, deterministic de-duplication and row conservation."""

import pytest
from support import raw_rows_frame, valid_text_row

from emr_jobs.datagen import generate_bars
from emr_jobs.financial.cleansing import REJECT_REASONS, classify_bars, rejected_rows, valid_bars
from emr_jobs.framework.intake import MALFORMED_COLUMN

DEFECTS = {
    "malformed_record": {MALFORMED_COLUMN: True},
    "null_symbol": {"symbol": None},
    "null_market": {"market": "   "},
    "null_timestamp": {"timestamp": ""},
    "null_open": {"open": None},
    "null_high": {"high": None},
    "null_low": {"low": None},
    "null_close": {"close": None},
    "null_volume": {"volume": None},
    "unparsable_timestamp": {"timestamp": "2024-02-30T10:00:00Z"},
    "unparsable_number": {"close": "101,5"},
    "non_positive_price": {"open": "-1.0"},
    "high_below_low": {"high": "98.0", "low": "99.0", "close": "98.5", "open": "98.5"},
    "close_outside_range": {"close": "102.5"},
    "negative_volume": {"volume": "-1"},
    "implausible_volume": {"volume": "1e20"},
}


def _reasons(spark, rows):
    classified = classify_bars(raw_rows_frame(spark, rows)).collect()
    return [row["reject_reason"] for row in classified]


def test_every_reason_is_covered_here():
    assert set(DEFECTS) | {"duplicate"} == set(REJECT_REASONS)


@pytest.mark.parametrize("reason", list(DEFECTS))
def test_a_row_with_one_defect_gets_that_reason(spark, reason):
    assert _reasons(spark, [valid_text_row(**DEFECTS[reason])]) == [reason]


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity", "1e400", "abc"])
def test_non_finite_numbers_are_unparsable(spark, text):
    assert _reasons(spark, [valid_text_row(volume=text)]) == ["unparsable_number"]


def test_a_clean_row_is_valid_with_its_text_parsed(spark):
    row = valid_text_row(symbol=" AAPL ", timestamp="2024-01-02 15:30:00", close="101.25")
    (bar,) = valid_bars(classify_bars(raw_rows_frame(spark, [row]))).collect()
    assert bar["symbol"] == "AAPL" and bar["close"] == 101.25 and bar["timestamp"].hour == 15


def test_the_first_failing_check_in_priority_order_wins(spark):
    several = valid_text_row(symbol=None, volume="-5", close="500.0")
    assert _reasons(spark, [several]) == ["null_symbol"]


def test_duplicates_keep_one_row_whatever_the_arrival_order(spark):
    first = valid_text_row(volume="1000")
    second = valid_text_row(volume="2000", timestamp="2024-01-02T00:00:00+00:00")  # same instant, other text
    outcomes = []
    for rows in ([first, second], [second, first]):
        classified = classify_bars(raw_rows_frame(spark, rows))
        kept = [bar["volume"] for bar in valid_bars(classified).collect()]
        dropped = [(r["volume"], r["timestamp"], r["reject_reason"]) for r in rejected_rows(classified).collect()]
        outcomes.append((kept, dropped))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0] == ([1000.0], [("2000", "2024-01-02T00:00:00+00:00", "duplicate")])


def test_a_defective_copy_of_a_bar_is_not_counted_as_its_duplicate(spark):
    reasons = _reasons(spark, [valid_text_row(), valid_text_row(volume="-3")])
    assert sorted(reasons, key=str) == [None, "negative_volume"]


def test_rejected_rows_keep_their_original_text(spark):
    row = valid_text_row(timestamp="not a time", close=" 101.0000 ")
    (rejected,) = rejected_rows(classify_bars(raw_rows_frame(spark, [row]))).collect()
    assert {name: rejected[name] for name in row} == row
    assert rejected["reject_reason"] == "unparsable_timestamp" and rejected["date"] is None


def test_every_generated_row_is_accounted_for_and_every_planted_defect_found(spark):
    generated = generate_bars(rows=600, symbols=3, seed=5, bad_row_fraction=0.05)
    rows = generated.rows.astype(object).where(generated.rows.notna(), None).to_dict("records")
    classified = classify_bars(raw_rows_frame(spark, rows)).cache()
    valid, rejected = valid_bars(classified).count(), rejected_rows(classified).count()
    assert valid + rejected == len(rows)
    found = {r["reject_reason"]: r["count"] for r in classified.groupBy("reject_reason").count().collect()}
    planted = generated.bad_rows["kind"].value_counts().to_dict()
    assert {k: v for k, v in found.items() if k is not None} == planted
    assert found[None] == len(rows) - len(generated.bad_rows)
    classified.unpersist()
