"""Per-provider profile: claim count, weekend share, round-charge share and Benford deviation, in one pass."""

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from emr_jobs.fraud.settings import ROUND_CHARGE_UNIT, FraudSettings
from emr_jobs.fraud.statistics import benford_deviation, benford_flag, first_significant_digit

PROFILE_COLUMNS = ("provider_claims", "weekend_share", "round_charge_share", "benford_deviation", "is_benford_flagged")


def is_weekend(service_date: Column) -> Column:
    return F.dayofweek(service_date).isin(1, 7)  # Spark numbers Sunday 1 … Saturday 7


def is_round_charge(charge: Column) -> Column:
    """A positive multiple of 100 (exact on doubles: fmod of a whole multiple is 0)."""
    return (charge > 0) & ((charge % F.lit(ROUND_CHARGE_UNIT)) == 0)


def provider_profile(claims: DataFrame, settings: FraudSettings) -> DataFrame:
    digit = first_significant_digit(F.col("charge_amount"))
    counted = claims.groupBy("provider_id").agg(
        F.count(F.lit(1)).alias("provider_claims"),
        F.sum(is_weekend(F.col("service_date")).cast("long")).alias("_weekend"),
        F.sum(is_round_charge(F.col("charge_amount")).cast("long")).alias("_round"),
        *[F.sum((digit == d).cast("long")).alias(f"_digit_{d}") for d in range(1, 10)],
    )
    claims_count = F.col("provider_claims")
    deviation = benford_deviation([F.col(f"_digit_{d}") for d in range(1, 10)], claims_count)
    flagged = benford_flag(deviation, claims_count, settings)
    return counted.select(
        "provider_id",
        "provider_claims",
        (F.col("_weekend") / claims_count).alias("weekend_share"),
        (F.col("_round") / claims_count).alias("round_charge_share"),
        F.when(claims_count >= F.lit(settings.benford_min_claims), deviation).alias("benford_deviation"),
        flagged.alias("is_benford_flagged"),
    )
