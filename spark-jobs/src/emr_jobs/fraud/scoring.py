"""The fraud score and its reasons.

score = 0.30·(rules triggered / 6) + 0.25·(flags among z, IQR, Benford / 3) + 0.45·(1 if a duplicate else 0).
It is computed in whole units of 1/120 (a rule is 6 units, a statistical flag 10, a duplicate 54) and divided once,
so a score of exactly 0.7 (5 rules and a duplicate: 84 units) is not "above 0.7" by a rounding accident.
"""

from functools import reduce

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from emr_jobs.fraud.rules import RULE_COLUMNS
from emr_jobs.fraud.settings import (
    HIGH_RISK_SCORE,
    RULE_COUNT,
    STATISTICAL_FLAG_COUNT,
    WEIGHT_DUPLICATE,
    WEIGHT_RULES,
    WEIGHT_STATISTICAL,
)

SCORE_UNITS = 120
UNITS_PER_RULE = round(WEIGHT_RULES / RULE_COUNT * SCORE_UNITS)  # 6
UNITS_PER_STATISTICAL_FLAG = round(WEIGHT_STATISTICAL / STATISTICAL_FLAG_COUNT * SCORE_UNITS)  # 10
UNITS_FOR_DUPLICATE = round(WEIGHT_DUPLICATE * SCORE_UNITS)  # 54
HIGH_RISK_UNITS = round(HIGH_RISK_SCORE * SCORE_UNITS)  # 84: high risk is strictly more
STATISTICAL_COLUMNS = ("is_zscore_outlier", "is_iqr_outlier", "is_benford_flagged")
# Reason names in the order they are listed in fraud_reasons.
REASONS = (
    ("zscore", "is_zscore_outlier"),
    ("iqr", "is_iqr_outlier"),
    ("benford", "is_benford_flagged"),
    ("exact_duplicate", "is_exact_duplicate"),
    ("near_duplicate", "is_near_duplicate"),
    *((name.removeprefix("rule_"), name) for name in RULE_COLUMNS),
)


def _count_true(columns) -> Column:
    return reduce(lambda a, b: a + b, [F.col(c).cast("int") for c in columns])


def add_score(claims: DataFrame) -> DataFrame:
    rules = _count_true(RULE_COLUMNS)
    statistical = _count_true(STATISTICAL_COLUMNS)
    duplicate = (F.col("is_exact_duplicate") | F.col("is_near_duplicate")).cast("int")
    units = (
        F.lit(UNITS_PER_RULE) * rules
        + F.lit(UNITS_PER_STATISTICAL_FLAG) * statistical
        + F.lit(UNITS_FOR_DUPLICATE) * duplicate
    )
    return (
        claims.withColumn("rules_triggered", rules)
        .withColumn("_units", units)
        .withColumn("fraud_score", F.col("_units") / F.lit(float(SCORE_UNITS)))
        .withColumn("is_high_risk", F.col("_units") > F.lit(HIGH_RISK_UNITS))
        .withColumn("fraud_reasons", F.concat_ws(",", *[F.when(F.col(flag), F.lit(name)) for name, flag in REASONS]))
        .drop("_units")
    )


def is_flagged(min_fraud_score: float) -> Column:
    """flagged/: a claim with at least one reason and a score of at least --min-fraud-score."""
    return (F.col("fraud_score") > 0) & (F.col("fraud_score") >= F.lit(min_fraud_score))
