"""The six rules, each a boolean column on a claim (definitions in the README's fraud_detection section)."""

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from emr_jobs.fraud.providers import is_round_charge, is_weekend
from emr_jobs.fraud.settings import (
    DISTANCE_LIMIT_MILES,
    EARTH_RADIUS_MILES,
    PATIENT_DAILY_CLAIMS_LIMIT,
    PROVIDER_DAILY_CLAIMS_LIMIT,
    ROUND_CHARGE_SHARE_LIMIT,
    WEEKEND_SHARE_LIMIT,
)

RULE_COLUMNS = (
    "rule_provider_daily_volume",
    "rule_patient_daily_volume",
    "rule_weekend_provider",
    "rule_round_charge_provider",
    "rule_long_distance",
    "rule_out_of_state",
)


def haversine_miles(lat1: Column, lon1: Column, lat2: Column, lon2: Column) -> Column:
    phi1, phi2 = F.radians(lat1), F.radians(lat2)
    half_dphi, half_dlambda = (phi2 - phi1) / 2, (F.radians(lon2) - F.radians(lon1)) / 2
    a = F.pow(F.sin(half_dphi), 2) + F.cos(phi1) * F.cos(phi2) * F.pow(F.sin(half_dlambda), 2)
    return F.lit(2 * EARTH_RADIUS_MILES) * F.asin(F.sqrt(a))


def add_rules(claims: DataFrame, provider_day_counts: DataFrame) -> DataFrame:
    """Needs the provider profile's shares joined on; `provider_day_counts` has provider_id, service_date,
    provider_day_claims. The patient-day count is a window: the caller partitions by patient_id already."""
    patient_day = Window.partitionBy("patient_id", "service_date")
    distance = haversine_miles(F.col("patient_lat"), F.col("patient_lon"), F.col("provider_lat"), F.col("provider_lon"))
    with_counts = claims.join(provider_day_counts, ["provider_id", "service_date"], "left").withColumn(
        "_patient_day_claims", F.count(F.lit(1)).over(patient_day)
    )
    return (
        with_counts.withColumn(
            "rule_provider_daily_volume", F.col("provider_day_claims") > F.lit(PROVIDER_DAILY_CLAIMS_LIMIT)
        )
        .withColumn("rule_patient_daily_volume", F.col("_patient_day_claims") > F.lit(PATIENT_DAILY_CLAIMS_LIMIT))
        .withColumn(
            "rule_weekend_provider",
            is_weekend(F.col("service_date")) & (F.col("weekend_share") > F.lit(WEEKEND_SHARE_LIMIT)),
        )
        .withColumn(
            "rule_round_charge_provider",
            is_round_charge(F.col("charge_amount")) & (F.col("round_charge_share") > F.lit(ROUND_CHARGE_SHARE_LIMIT)),
        )
        .withColumn("distance_miles", distance)
        .withColumn(
            "rule_long_distance", F.coalesce(F.col("distance_miles") > F.lit(DISTANCE_LIMIT_MILES), F.lit(False))
        )
        .withColumn("rule_out_of_state", F.col("patient_state") != F.col("provider_state"))
        .drop("provider_day_claims", "_patient_day_claims")
    )


def provider_day_counts(claims: DataFrame) -> DataFrame:
    return claims.groupBy("provider_id", "service_date").agg(F.count(F.lit(1)).alias("provider_day_claims"))
