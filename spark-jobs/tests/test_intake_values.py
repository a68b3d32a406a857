"""The value grammar and record classification every job's intake shares (framework.intake values/records).

Tables of the review's bad-input values (jobs-bad-input.md): each value with the reason it gets, or its typed value
when valid. Every classification here also checks that each reason it produced is listed by reasons_for, the
list jobs document as their REJECT_REASONS.
"""

import datetime as dt

import pytest
from pyspark.sql import functions as F

from emr_jobs.framework.exit_codes import JobError
from emr_jobs.framework.intake import (
    DATE_FIRST,
    MALFORMED_COLUMN,
    RAW_COLUMN,
    RAW_RECORD_COLUMN,
    REJECT_REASON_COLUMN,
    Field,
    check_rows,
    classify_records,
    date_last,
    reason_counts,
    reasons_for,
    rejected_records,
    valid_records,
)

ID = Field("claim_id", "text", required=True)


def _classify(spark, fields, rows, **options):
    """classify_records over a hand-built raw frame (every field as text, no malformed flag or raw line unless
    given); asserts that every reason it produced is one reasons_for lists."""
    names = [field.name for field in fields]
    extra = [name for name in (MALFORMED_COLUMN, RAW_RECORD_COLUMN) if any(name in row for row in rows)]
    types = {MALFORMED_COLUMN: "boolean", RAW_RECORD_COLUMN: "string"}
    schema = ", ".join([f"`{name}` string" for name in names] + [f"{name} {types[name]}" for name in extra])
    raw = spark.createDataFrame([tuple(row.get(name) for name in names + extra) for row in rows], schema)
    classified = classify_records(raw, fields, **options)
    listed = reasons_for(
        fields,
        options.get("checks", ()),
        options.get("key", ()),
        **{name: options[name] for name in ("duplicate_reason", "conflict_reason") if name in options},
    )
    produced = {reason for reason in reason_counts(classified) if reason is not None}
    assert produced <= set(listed), f"reasons not listed by reasons_for: {produced - set(listed)}"
    return classified


def _by_id(classified, value_column):
    """claim_id -> (reject reason, the typed value as text in the session time zone)."""
    rows = classified.select(
        "claim_id", REJECT_REASON_COLUMN, F.col(value_column).cast("string").alias("value")
    ).collect()
    return {row["claim_id"]: (row[REJECT_REASON_COLUMN], row["value"]) for row in rows}


def _one_column_table(spark, field, table, **options):
    rows = [{"claim_id": f"C{i}", field.name: text} for i, (text, _) in enumerate(table)]
    got = _by_id(_classify(spark, [ID, field], rows, **options), field.name)
    return {text: got[f"C{i}"] for i, (text, _) in enumerate(table)}, dict(table)


# F06: the 14 charges. The maximum is the job's plausibility bound; "positive" is the job's own check.
F06_CHARGES = [
    ("$1234.56", ("unparsable_charge_amount", None)),
    ("1,234.56", ("unparsable_charge_amount", None)),
    ("-50", (None, "-50.0")),
    ("0", (None, "0.0")),
    ("NaN", ("unparsable_charge_amount", None)),
    ("Infinity", ("unparsable_charge_amount", None)),
    ("-Infinity", ("unparsable_charge_amount", None)),
    ("1e300", ("out_of_range_charge_amount", "1.0E300")),
    (" 12.50 ", (None, "12.5")),
    ("100d", ("unparsable_charge_amount", None)),  # Java float syntax, not a number anyone wrote
    ("0x1p3", ("unparsable_charge_amount", None)),
    ("1e400", ("unparsable_charge_amount", None)),  # overflows to infinity
    ("1.5E2", (None, "150.0")),
    ("+75", (None, "75.0")),
]
CHARGE = Field("charge_amount", "decimal", required=True, maximum=1e7)


def test_F06_charges_are_unparsable_out_of_range_or_valid(spark):
    got, expected = _one_column_table(spark, CHARGE, F06_CHARGES)
    assert got == expected


def test_F06_the_jobs_positive_check_comes_after_the_intake_reasons(spark):
    checks = [("non_positive_charge", F.col("charge_amount") <= 0)]
    got, _ = _one_column_table(spark, CHARGE, F06_CHARGES, checks=checks)
    reasons = {text: reason for text, (reason, _) in got.items()}
    assert reasons["-50"] == "non_positive_charge" and reasons["0"] == "non_positive_charge"
    assert reasons["1e300"] == "out_of_range_charge_amount" and reasons["NaN"] == "unparsable_charge_amount"
    assert sorted(text for text, reason in reasons.items() if reason is None) == [" 12.50 ", "+75", "1.5E2"]


def test_F06_a_bound_is_inclusive(spark):
    bounded = Field("charge_amount", "decimal", minimum=0.01, maximum=1e7)
    table = [
        ("10000000", (None, "1.0E7")),
        ("10000000.01", ("out_of_range_charge_amount", "1.000000001E7")),
        ("0.01", (None, "0.01")),
        ("0.009", ("out_of_range_charge_amount", "0.009")),
    ]
    got, expected = _one_column_table(spark, bounded, table)
    assert got == expected


SERVICE_DATE = Field("service_date", "date", required=True)
SUBMITTED_AT = Field("submitted_at", "timestamp", required=True)


def _f07_dates():
    last = date_last()
    return [
        ("2099-01-01", ("out_of_range_service_date", None)),
        ("2026-02-30", ("unparsable_service_date", None)),
        ("01/15/2024", ("unparsable_service_date", None)),
        ("2024-1-5", ("unparsable_service_date", None)),
        ("1704187800", ("unparsable_service_date", None)),
        ("2024-01-15T10:00", ("unparsable_service_date", None)),
        ("20240115", ("unparsable_service_date", None)),
        ("2024-02-30T10:00:00Z", ("unparsable_service_date", None)),
        ("0001-01-01", ("out_of_range_service_date", None)),
        ("1899-12-30", ("out_of_range_service_date", None)),
        ("1899-12-31", ("out_of_range_service_date", None)),
        (DATE_FIRST.isoformat(), (None, "1900-01-01")),
        (last.isoformat(), (None, last.isoformat())),
        ((last + dt.timedelta(days=1)).isoformat(), ("out_of_range_service_date", None)),
        ("2024-01-15", (None, "2024-01-15")),
    ]


def _f07_timestamps():
    last = date_last().isoformat()
    after_last = (date_last() + dt.timedelta(days=1)).isoformat()
    return [
        ("2099-01-01T00:00:00Z", ("out_of_range_submitted_at", None)),
        ("2099-01-01", ("unparsable_submitted_at", None)),  # a date alone names no instant
        ("2026-02-30T10:00:00Z", ("unparsable_submitted_at", None)),
        ("01/15/2024 10:00", ("unparsable_submitted_at", None)),
        ("2024-1-5T10:00:00Z", ("unparsable_submitted_at", None)),
        ("1704187800", ("unparsable_submitted_at", None)),
        ("2024-01-15T10:00", (None, "2024-01-15 10:00:00")),
        ("20240115", ("unparsable_submitted_at", None)),
        ("2024-02-30T10:00:00Z", ("unparsable_submitted_at", None)),
        ("0001-01-01T00:00:00Z", ("out_of_range_submitted_at", None)),
        ("2024-01-15T10:00:00+25:00", ("unparsable_submitted_at", None)),
        ("2024-01-15T10:00:00+18:01", ("unparsable_submitted_at", None)),
        ("2024-01-15T10:00:00+05:60", ("unparsable_submitted_at", None)),
        ("2024-01-15T10:00:00+18:00", (None, "2024-01-14 16:00:00")),
        ("2024-01-15T10:00:00-03:00", (None, "2024-01-15 13:00:00")),
        ("2024-01-15 10:00:00.123456789Z", (None, "2024-01-15 10:00:00.123456")),
        ("2024-01-15T24:00:00Z", ("unparsable_submitted_at", None)),
        ("2024-01-15T10:00:60Z", ("unparsable_submitted_at", None)),
        ("1899-12-30T00:00:00Z", ("out_of_range_submitted_at", None)),
        ("1899-12-31T23:59:59Z", ("out_of_range_submitted_at", None)),
        ("1900-01-01T00:00:00Z", (None, "1900-01-01 00:00:00")),
        (f"{last}T23:59:59Z", (None, f"{last} 23:59:59")),
        (f"{after_last}T00:00:00Z", ("out_of_range_submitted_at", None)),
    ]


@pytest.fixture(params=["false", "true"], ids=["ansi_off", "ansi_on"])
def ansi(spark, request):
    """Both settings of spark.sql.ansi.enabled: Spark's own date cast raises on 2026-02-30 when it is on."""
    before = spark.conf.get("spark.sql.ansi.enabled")
    spark.conf.set("spark.sql.ansi.enabled", request.param)
    yield request.param
    spark.conf.set("spark.sql.ansi.enabled", before)


def test_F07_service_dates(spark, ansi):
    got, expected = _one_column_table(spark, SERVICE_DATE, _f07_dates())
    assert got == expected


def test_F07_submitted_timestamps(spark, ansi):
    got, expected = _one_column_table(spark, SUBMITTED_AT, _f07_timestamps())
    assert got == expected


def test_F07b_excel_day_zero_is_rejected_and_leaves_no_ancient_timestamp(spark):
    classified = _classify(spark, [ID, SUBMITTED_AT], [{"claim_id": "C1", "submitted_at": "1899-12-30T00:00:00Z"}])
    (row,) = classified.collect()  # collecting year 1899 (or 0) as a typed value is where A04 died
    assert row[REJECT_REASON_COLUMN] == "out_of_range_submitted_at" and row["submitted_at"] is None
    assert row[RAW_COLUMN]["submitted_at"] == "1899-12-30T00:00:00Z"


# F08: blanks of every kind and the words a producer writes for "no value".
F08_IDS = [
    ("", ("null_claim_id", None)),
    ("   ", ("null_claim_id", None)),
    ("NULL", ("null_claim_id", None)),
    ("null", ("null_claim_id", None)),
    ("\t", ("null_claim_id", None)),
    ("N/A", ("null_claim_id", None)),
    ("\u00a0\u200b\ufeff", ("null_claim_id", None)),
    ("n/a", (None, "n/a")),  # null words match exactly
    ("\tCLM1 ", (None, "CLM1")),
]


def test_F08_blank_and_null_word_ids_are_null(spark):
    field = Field("id", "text", required=True, label="claim_id", null_words=("NULL", "null", "N/A"))
    got, expected = _one_column_table(spark, field, F08_IDS)
    assert got == expected


def test_F08_without_null_words_the_words_are_text_and_a_tab_is_still_blank(spark):
    field = Field("procedure_code", "text", required=True)
    table = [("NULL", (None, "NULL")), ("\t", ("null_procedure_code", None)), (" 99213\t", (None, "99213"))]
    got, expected = _one_column_table(spark, field, table)
    assert got == expected


def test_F08_an_optional_blank_is_null_not_rejected(spark):
    field = Field("provider_state", "text", null_words=("N/A",))
    got, expected = _one_column_table(spark, field, [("\t", (None, None)), ("N/A", (None, None))])
    assert got == expected


# A04/A04b: the aggregate's date variants.
A04_DATES = [
    ("0000-01-01", ("out_of_range_date", None)),
    ("1500-01-01", ("out_of_range_date", None)),
    ("2020-02-30", ("unparsable_date", None)),
    ("2021-02-29", ("unparsable_date", None)),
    ("2020/03/01", ("unparsable_date", None)),
    ("2020-3-1", ("unparsable_date", None)),
    ("20200301", ("unparsable_date", None)),
    ("2020-03-01T00:00:00", ("unparsable_date", None)),
    ("+12020-03-01", ("unparsable_date", None)),
    (" 2020-03-01 ", (None, "2020-03-01")),
    ("2020-02-29", (None, "2020-02-29")),
    ("2000-02-29", (None, "2000-02-29")),
    ("1900-02-29", ("unparsable_date", None)),
    ("2020-13-01", ("unparsable_date", None)),
    ("2020-04-31", ("unparsable_date", None)),
    ("2099-01-01", ("out_of_range_date", None)),
]


def test_A04_dates(spark, ansi):
    got, expected = _one_column_table(spark, Field("date", "date", required=True), A04_DATES)
    assert got == expected


def test_A04_year_zero_is_rejected_and_the_frame_still_collects(spark):
    classified = _classify(spark, [ID, Field("date", "date")], [{"claim_id": "C1", "date": "0000-01-01"}])
    (row,) = classified.collect()  # ValueError: ordinal must be >= 1, had the typed date been kept
    assert row[REJECT_REASON_COLUMN] == "out_of_range_date" and row["date"] is None


COUNT = Field("cases", "whole", required=True, label="count", minimum=0)


def test_A09b_a_whole_double_as_pandas_writes_it_is_a_count(spark):
    table = [
        ("21.0", (None, "21")),
        ("21.00", (None, "21")),
        ("21", (None, "21")),
        ("+21", (None, "21")),
        ("21.5", ("unparsable_count", None)),
        ("21.", ("unparsable_count", None)),
        ("-1", ("out_of_range_count", "-1")),
        # Spark renders a whole double of 1e7 or more in exponent form: a parquet count of ten million.
        ("1.0E7", (None, "10000000")),
        ("1.234567891E9", (None, "1234567891")),
        ("2.1e1", (None, "21")),
        ("2.15e1", ("unparsable_count", None)),
        ("1.0E18", ("unparsable_count", None)),
        ("1e400", ("unparsable_count", None)),
        ("1.0E-1", ("unparsable_count", None)),
    ]
    got, expected = _one_column_table(spark, COUNT, table)
    assert got == expected


def test_A12_eighteen_digit_counts_are_exact_and_nineteen_are_refused(spark):
    table = [
        ("999999999999999999", (None, "999999999999999999")),
        ("999999999999999999.0", (None, "999999999999999999")),
        ("1000000000000000000", ("unparsable_count", None)),
        ("9223372036854775808", ("unparsable_count", None)),
    ]
    got, expected = _one_column_table(spark, COUNT, table)
    assert got == expected


def test_A11_states_are_cleaned_upper_cased_and_invisible_characters_refused(spark):
    state = Field("state", "text", required=True, upper=True)
    table = [
        ("SP", (None, "SP")),
        ("sp", (None, "SP")),
        (" SP ", (None, "SP")),
        ("SP\u200b", (None, "SP")),  # a zero-width space at an end is trimmed like any other space
        ("\u00a0SP\ufeff", (None, "SP")),
        ("S\u200bP", ("unparsable_state", None)),  # inside, it would print as SP and group apart from it
        ("S\u0000P", ("unparsable_state", None)),
        ("São Paulo", (None, "SÃO PAULO")),
    ]
    got, expected = _one_column_table(spark, state, table)
    assert got == expected


def test_A11_without_upper_the_text_is_kept_as_written(spark):
    got, expected = _one_column_table(
        spark, Field("state", "text"), [("sp", (None, "sp")), (" São Paulo ", (None, "São Paulo"))]
    )
    assert got == expected


# Reason priority: a row failing several checks always gets the first.
PRIORITY_FIELDS = [
    ID,
    Field("charge_amount", "decimal", required=True, maximum=100.0),
    Field("service_date", "date", required=True),
]


def test_a_row_failing_several_checks_gets_the_first_reason(spark):
    rows = [
        {"claim_id": "", "charge_amount": "x", MALFORMED_COLUMN: True},  # malformed before null
        {"claim_id": "C2", "charge_amount": "x", "service_date": ""},  # every null before any unparsable
        {"claim_id": "C3", "charge_amount": "x", "service_date": "0001-01-01"},  # unparsable before out of range
        {"claim_id": "C4", "charge_amount": "500", "service_date": "2024-13-01"},  # field order within a rank
        {"claim_id": "C5", "charge_amount": "500", "service_date": "2024-01-15"},  # out of range before checks
        {"claim_id": "C6", "charge_amount": "-1", "service_date": "2024-01-15"},  # checks in their order
        {"claim_id": "C7", "charge_amount": "5", "service_date": "2024-01-15"},  # a check that is null passes
    ]
    checks = [
        ("non_positive_charge", F.col("charge_amount") <= 0),
        ("negative_charge", F.col("charge_amount") < 0),
        ("no_opinion", F.lit(None).cast("boolean")),
    ]
    classified = _classify(spark, PRIORITY_FIELDS, rows, checks=checks)
    reasons = {
        row["claim_id"]: row[REJECT_REASON_COLUMN]
        for row in classified.select(RAW_COLUMN + ".claim_id", REJECT_REASON_COLUMN).collect()
    }
    assert reasons == {
        "": "malformed_record",
        "C2": "null_service_date",
        "C3": "unparsable_charge_amount",
        "C4": "unparsable_service_date",
        "C5": "out_of_range_charge_amount",
        "C6": "non_positive_charge",
        "C7": None,
    }


def test_reasons_for_lists_every_reason_in_priority_order_once(spark):
    cases = Field("cases", "whole", required=True, label="count", minimum=0)
    deaths = Field("deaths", "whole", required=True, label="count", minimum=0)
    fields = [Field("date", "date", required=True), Field("state", "text", required=True, upper=True), cases, deaths]
    assert reasons_for(fields, ["negative_ratio"], ["date", "state"]) == (
        "malformed_record",
        "null_date",
        "null_state",
        "null_count",
        "unparsable_date",
        "unparsable_state",
        "unparsable_count",
        "out_of_range_date",
        "out_of_range_count",
        "negative_ratio",
        "duplicate",
        "conflicting_duplicate",
    )
    assert reasons_for(
        [ID], key=["claim_id"], duplicate_reason="duplicate_claim_id", conflict_reason="conflicting_claim_id"
    )[-2:] == (
        "duplicate_claim_id",
        "conflicting_claim_id",
    )
    assert "duplicate" not in reasons_for([ID])  # no key, no duplicates


# Duplicates: identical copies keep one; a key whose rows differ in any value rejects them all.
CLAIM_FIELDS = [ID, Field("charge_amount", "decimal", required=True)]
CLAIM_DUPLICATES = {"duplicate_reason": "duplicate_claim_id", "conflict_reason": "conflicting_claim_id"}


def _sorted(rows):
    """Tuples in order, a None (a valid row's reason) first."""
    return sorted(rows, key=lambda row: tuple("" if value is None else value for value in row))


def _reasons_by_raw(classified):
    rows = classified.select(RAW_COLUMN, RAW_RECORD_COLUMN, REJECT_REASON_COLUMN).collect()
    return _sorted(
        (row[RAW_COLUMN]["claim_id"], row[RAW_COLUMN]["charge_amount"], row[REJECT_REASON_COLUMN]) for row in rows
    )


def test_F09_an_identical_copy_keeps_one_and_a_changed_charge_rejects_both(spark):
    rows = [
        {"claim_id": "CLM1467", "charge_amount": "120.00"},
        {"claim_id": "CLM1467", "charge_amount": "120.00"},
        {"claim_id": "CLM0739", "charge_amount": "2533.91"},
        {"claim_id": "CLM0739", "charge_amount": "1.00"},
        {"claim_id": "CLM0001", "charge_amount": "5"},
    ]
    classified = _classify(spark, CLAIM_FIELDS, rows, key=["claim_id"], **CLAIM_DUPLICATES)
    assert _reasons_by_raw(classified) == [
        ("CLM0001", "5", None),
        ("CLM0739", "1.00", "conflicting_claim_id"),
        ("CLM0739", "2533.91", "conflicting_claim_id"),
        ("CLM1467", "120.00", None),
        ("CLM1467", "120.00", "duplicate_claim_id"),
    ]
    assert sorted(row["claim_id"] for row in valid_records(classified).collect()) == ["CLM0001", "CLM1467"]


def test_A01_C01_a_third_identical_row_of_a_conflicting_key_is_rejected_too(spark):
    fields = [Field("city", "text", required=True), Field("cases", "whole", required=True, label="count")]
    rows = [
        {"city": "São Paulo", "cases": "100"},
        {"city": "São Paulo", "cases": "100"},
        {"city": "Campinas", "cases": "40"},
        {"city": "Campinas", "cases": "45"},
        {"city": "Campinas", "cases": "40"},
    ]
    classified = _classify(spark, fields, rows, key=["city"])
    got = _sorted(
        (row[RAW_COLUMN]["city"], row[RAW_COLUMN]["cases"], row[REJECT_REASON_COLUMN]) for row in classified.collect()
    )
    assert got == [
        ("Campinas", "40", "conflicting_duplicate"),
        ("Campinas", "40", "conflicting_duplicate"),
        ("Campinas", "45", "conflicting_duplicate"),
        ("São Paulo", "100", None),
        ("São Paulo", "100", "duplicate"),
    ]


def test_copies_are_judged_by_typed_value_and_the_first_in_order_is_kept(spark):
    rows = [
        {"claim_id": "C1", "charge_amount": "12.5", RAW_RECORD_COLUMN: None},
        {"claim_id": "C1", "charge_amount": " 12.50 ", RAW_RECORD_COLUMN: None},
    ]
    by_text = _classify(spark, CLAIM_FIELDS, rows, key=["claim_id"])
    assert _reasons_by_raw(by_text) == [("C1", " 12.50 ", None), ("C1", "12.5", "duplicate")]  # texts in order
    order = [F.col(RAW_COLUMN + ".charge_amount").desc()]
    by_order = _classify(spark, CLAIM_FIELDS, rows, key=["claim_id"], order=order)
    assert _reasons_by_raw(by_order) == [("C1", " 12.50 ", "duplicate"), ("C1", "12.5", None)]


def test_a_duplicate_is_judged_among_valid_rows_only(spark):
    rows = [
        {"claim_id": "C1", "charge_amount": "10"},
        {"claim_id": "C1", "charge_amount": "ten"},
        {"claim_id": "C1", "charge_amount": "-3"},
    ]
    checks = [("non_positive_charge", F.col("charge_amount") <= 0)]
    classified = _classify(spark, CLAIM_FIELDS, rows, key=["claim_id"], checks=checks)
    assert _reasons_by_raw(classified) == [
        ("C1", "-3", "non_positive_charge"),
        ("C1", "10", None),
        ("C1", "ten", "unparsable_charge_amount"),
    ]


def test_rejected_records_keep_the_original_text_and_the_raw_line(spark):
    rows = [
        {"claim_id": "", "charge_amount": " 1,5 ", MALFORMED_COLUMN: False, RAW_RECORD_COLUMN: None},
        {"claim_id": None, "charge_amount": None, MALFORMED_COLUMN: True, RAW_RECORD_COLUMN: '{"claim_id": "BROKEN1",'},
        {"claim_id": "C3", "charge_amount": "\t7\u200b", MALFORMED_COLUMN: False, RAW_RECORD_COLUMN: None},
    ]
    rejected = rejected_records(_classify(spark, CLAIM_FIELDS, rows))
    assert rejected.columns == ["claim_id", "charge_amount", RAW_RECORD_COLUMN, REJECT_REASON_COLUMN]
    assert _sorted(tuple(row) for row in rejected.collect()) == [
        (None, None, '{"claim_id": "BROKEN1",', "malformed_record"),
        ("", " 1,5 ", None, "null_claim_id"),  # an empty field stays "", not null
    ]
    assert [row.asDict() for row in valid_records(_classify(spark, CLAIM_FIELDS, rows)).collect()] == [
        {"claim_id": "C3", "charge_amount": 7.0}
    ]


def test_a_raw_frame_without_the_reader_columns_is_classified(spark):
    raw = spark.createDataFrame([("C1", "oops")], "claim_id string, charge_amount string")
    classified = classify_records(raw, CLAIM_FIELDS)
    (row,) = rejected_records(classified).collect()
    assert row.asDict() == {
        "claim_id": "C1",
        "charge_amount": "oops",
        RAW_RECORD_COLUMN: None,
        REJECT_REASON_COLUMN: "unparsable_charge_amount",
    }
    assert valid_records(classified).columns == ["claim_id", "charge_amount"]


def test_a_field_missing_from_the_raw_frame_is_a_programming_error(spark):
    raw = spark.createDataFrame([("C1",)], "claim_id string")
    with pytest.raises(ValueError, match="lacks the field columns charge_amount"):
        classify_records(raw, CLAIM_FIELDS)


def test_a_field_with_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="kind 'number' is not one of"):
        Field("charge_amount", "number")
    with pytest.raises(ValueError, match="minimum/maximum apply to decimal and whole"):
        Field("service_date", "date", maximum=1.0)


def test_C04_check_rows_refuses_an_input_without_rows(spark):
    empty = _classify(spark, CLAIM_FIELDS, [])
    with pytest.raises(JobError) as error:
        check_rows(reason_counts(empty), "--theirs", "in/empty.csv")
    assert str(error.value) == "--theirs in/empty.csv has no rows (a header only, or empty files)"


def test_C03_check_rows_refuses_an_input_whose_rows_were_all_rejected(spark):
    rows = [{"claim_id": f"C{i}", "charge_amount": "21.5x"} for i in range(4)] + [
        {"claim_id": "", "charge_amount": "1"},
        {"claim_id": "C9", "charge_amount": ""},
    ]
    classified = _classify(spark, CLAIM_FIELDS, rows)
    with pytest.raises(JobError) as error:
        check_rows(reason_counts(classified), "--input", "in/x")
    assert str(error.value) == (
        "all 6 rows of --input in/x were rejected: unparsable_charge_amount 4, null_charge_amount 1, null_claim_id 1"
    )


def test_check_rows_names_the_top_three_reasons_and_how_many_more(spark):
    counts = {"a": 1, "b": 5, "c": 2, "d": 2}
    with pytest.raises(
        JobError, match=r"^all 10 rows of --ours out/x were rejected: b 5, c 2, d 2 and 1 more reasons$"
    ):
        check_rows(counts, "--ours", "out/x")


def test_check_rows_passes_when_any_row_is_valid():
    check_rows({None: 1, "null_date": 99}, "--input", "in/x")
