"""Statistical flags: charge z-score and IQR fences per procedure, Benford's law per provider.

Per-group figures come from a groupBy joined back on the group key (small, so broadcast), never from a window over
the whole table, which would put every row in one partition.
"""

import math

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from emr_jobs.fraud.settings import BENFORD_DEVIATION_LIMIT, FraudSettings

BENFORD_EXPECTED = {digit: math.log10(1 + 1 / digit) for digit in range(1, 10)}


def procedure_statistics(claims: DataFrame) -> DataFrame:
    """Per procedure: sample mean and stddev, exact quartiles (Spark's `percentile` interpolates linearly at
    p·(n-1), as numpy and pandas do; approx_percentile would not)."""
    return claims.groupBy("procedure_code").agg(
        F.avg("charge_amount").alias("procedure_mean"),
        F.stddev_samp("charge_amount").alias("procedure_stddev"),
        F.expr("percentile(charge_amount, array(0.25, 0.75))").alias("_quartiles"),
    )


# A charge on a fence is not an outlier, and "on" allows for rounding: Spark's percentile and numpy's quantile can put
# the same fence one ulp apart (53.96 vs 53.96000000000001 at 1M claims), which would flag a charge in one engine
# and not the other. Charges have cents, so a relative 1e-9 never decides a real case. Same in bench/fraud_reference.py.
FENCE_RELATIVE_SLACK = 1e-9


def _fence_slack(bound: Column) -> Column:
    return F.greatest(F.abs(bound), F.lit(1.0)) * F.lit(FENCE_RELATIVE_SLACK)


def add_procedure_flags(claims: DataFrame, stats: DataFrame, settings: FraudSettings) -> DataFrame:
    """`stats`: procedure_statistics of the same claims (computed by the caller from unshuffled claims)."""
    joined = claims.join(F.broadcast(stats), "procedure_code", "left")
    spread = F.col("procedure_stddev")
    # A stddev that is not finite (overflow) gives no z-score, so no outlier: NaN > threshold is true in Spark.
    zscore = (
        F.when(spread.isNull() | (spread == 0), F.lit(0.0))
        .when(F.isnan(spread) | (F.abs(spread) == float("inf")), F.lit(None).cast("double"))
        .otherwise((F.col("charge_amount") - F.col("procedure_mean")) / spread)
    )
    q1, q3 = F.col("_quartiles")[0], F.col("_quartiles")[1]
    fence = F.lit(settings.iqr_multiplier) * (q3 - q1)
    charge = F.col("charge_amount")
    lower, upper = q1 - fence, q3 + fence
    return (
        joined.withColumn("charge_zscore", zscore)
        .withColumn(
            "is_zscore_outlier",
            F.coalesce(F.abs(F.col("charge_zscore")) > F.lit(settings.zscore_threshold), F.lit(False)),
        )
        .withColumn(
            "is_iqr_outlier",
            (charge < lower - _fence_slack(lower)) | (charge > upper + _fence_slack(upper)),
        )
        .drop("procedure_mean", "procedure_stddev", "_quartiles")
    )


def first_significant_digit(value: Column) -> Column:
    """1-9 for a positive number. The scale is divided out (or multiplied, below 1, where 0.3/0.1 would give
    2.99...), then corrected by one step in case log10 rounded across a power of ten."""
    exponent = F.floor(F.log10(value))
    scaled = F.when(exponent >= 0, value / F.pow(F.lit(10.0), exponent)).otherwise(
        value * F.pow(F.lit(10.0), -exponent)
    )
    corrected = F.when(scaled >= 10, scaled / 10).when(scaled < 1, scaled * 10).otherwise(scaled)
    return F.floor(corrected).cast("int")


def benford_deviation(digit_counts: list[Column], claims: Column) -> Column:
    """max over digits 1-9 of |observed share - log10(1 + 1/d)|; an absent digit has share 0."""
    return F.greatest(
        *[
            F.abs(count / claims - F.lit(BENFORD_EXPECTED[d]))
            for d, count in zip(range(1, 10), digit_counts, strict=True)
        ]
    )


def benford_flag(deviation: Column, claims: Column, settings: FraudSettings) -> Column:
    """Only providers with at least --benford-min-claims claims are judged; others are never flagged."""
    eligible = claims >= F.lit(settings.benford_min_claims)
    return eligible & (deviation > F.lit(BENFORD_DEVIATION_LIMIT))
