"""Evaluates a rule set: one boolean 'fails' column per rule over rows read as text."""

from dataclasses import dataclass
from functools import reduce

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from emr_jobs.framework.intake import MALFORMED_COLUMN, RAW_RECORD_COLUMN
from emr_jobs.quality.rules import Rule, RuleSet

WELL_FORMED = Rule(name="well_formed_records", type="well_formed", columns=())


@dataclass(frozen=True)
class RuleOutcome:
    rule: Rule
    failed_rows: int
    samples: list[dict]


@dataclass(frozen=True)
class Evaluation:
    total_rows: int
    failing_rows: int  # rows failing at least one rule
    outcomes: list[RuleOutcome]

    @property
    def failing_fraction(self) -> float:
        return self.failing_rows / self.total_rows if self.total_rows else 0.0


def _present(name: str) -> Column:
    trimmed = F.trim(F.col(f"`{name}`"))
    return trimmed.isNotNull() & (trimmed != "")


def _typed(name: str, type_name: str) -> Column:
    return F.expr(f"try_cast(trim(`{name}`) AS {type_name.upper()})")


def _range_fails(rule: Rule, type_name: str) -> Column:
    name = rule.columns[0]
    value = _typed(name, type_name)
    broken = value.isNull()
    if type_name == "double":
        broken = broken | F.isnan(value)
    for bound, outside, outside_or_equal in (("min", "__lt__", "__le__"), ("max", "__gt__", "__ge__")):
        if bound not in rule.params:
            continue
        limit = F.lit(rule.params[bound]).cast(type_name)
        compare = outside if rule.params[f"{bound}_inclusive"] else outside_or_equal
        broken = broken | getattr(value, compare)(limit)
    return _present(name) & broken


def _fails(rule: Rule, rule_set: RuleSet, all_columns: list[str]) -> Column:
    if rule.type == "well_formed":
        return F.col(MALFORMED_COLUMN)
    if rule.type == "not_null":
        return reduce(lambda a, b: a | b, [~_present(name) for name in rule.columns])
    if rule.type == "range":
        return _range_fails(rule, rule_set.columns[rule.columns[0]])
    name = rule.columns[0]
    if rule.type == "regex":
        return _present(name) & ~F.col(f"`{name}`").rlike(rule.params["pattern"])
    if rule.type == "allowed_values":
        return _present(name) & ~F.trim(F.col(f"`{name}`")).isin(rule.params["values"])
    # unique: every copy after the first of a fully present key fails; the first is chosen deterministically
    key = [F.trim(F.col(f"`{name}`")) for name in rule.columns]
    all_present = reduce(lambda a, b: a & b, [_present(name) for name in rule.columns])
    order = [F.col(f"`{c}`").asc_nulls_first() for c in all_columns]
    copies = Window.partitionBy(all_present, *key).orderBy(*order)
    return all_present & (F.row_number().over(copies) > 1)


def evaluate(rows: DataFrame, rule_set: RuleSet, sample_size: int) -> Evaluation:
    data_columns = [c for c in rows.columns if c not in (MALFORMED_COLUMN, RAW_RECORD_COLUMN)]
    rules = [WELL_FORMED, *rule_set.rules]
    flags = [f"_fails_{i}" for i in range(len(rules))]
    flagged = rows.select(
        "*",
        *[
            F.coalesce(_fails(rule, rule_set, data_columns), F.lit(False)).alias(flag)
            for rule, flag in zip(rules, flags, strict=True)
        ],
    ).cache()
    any_failure = reduce(lambda a, b: a | b, [F.col(flag) for flag in flags])
    totals = flagged.agg(
        F.count(F.lit(1)).alias("total"),
        F.count(F.when(any_failure, 1)).alias("failing"),
        *[F.count(F.when(F.col(flag), 1)).alias(flag) for flag in flags],
    ).first()
    outcomes = []
    for rule, flag in zip(rules, flags, strict=True):
        failed = totals[flag]
        samples = []
        if failed and sample_size:
            sample_rows = flagged.filter(F.col(flag)).select(*data_columns).orderBy(*data_columns).limit(sample_size)
            samples = [row.asDict() for row in sample_rows.collect()]
        outcomes.append(RuleOutcome(rule=rule, failed_rows=failed, samples=samples))
    flagged.unpersist()
    return Evaluation(total_rows=totals["total"], failing_rows=totals["failing"], outcomes=outcomes)
