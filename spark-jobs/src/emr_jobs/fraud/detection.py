"""All detections on valid claims, in an order that shares one shuffle: claims are partitioned by patient_id once,
and the exact-duplicate and patient-day windows and the near-duplicate self-join (keys that contain patient_id)
reuse that partitioning. Per-procedure and per-provider figures are small aggregates of the valid claims as they
are (partial aggregation, no shuffle of whole claims), broadcast back.

The claims with their exact-duplicate flags are persisted: three branches read them (the scored claims and both
sides of the near-duplicate self-join). Unpersisted, each branch would repeat the patient shuffle and the window;
on the 2,000-claim sample that repetition, not the data, was most of the run (see README, fraud_detection).
"""

from pyspark import StorageLevel
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from emr_jobs.fraud.duplicates import add_exact_duplicates, add_near_duplicates
from emr_jobs.fraud.providers import provider_profile
from emr_jobs.fraud.rules import RULE_COLUMNS, add_rules, provider_day_counts
from emr_jobs.fraud.schema import CLAIM_COLUMNS
from emr_jobs.fraud.scoring import add_score, is_flagged
from emr_jobs.fraud.settings import FraudSettings
from emr_jobs.fraud.statistics import add_procedure_flags, procedure_statistics

FLAG_COLUMNS = (
    "is_zscore_outlier",
    "is_iqr_outlier",
    "is_benford_flagged",
    "is_exact_duplicate",
    "is_near_duplicate",
    *RULE_COLUMNS,
)
SCORED_COLUMNS = (
    *CLAIM_COLUMNS,
    "charge_zscore",
    "distance_miles",
    *FLAG_COLUMNS,
    "duplicate_of",
    "near_duplicate_similarity",
    "rules_triggered",
    "fraud_score",
    "fraud_reasons",
    "is_high_risk",
)


def score_claims(valid: DataFrame, settings: FraudSettings) -> tuple[DataFrame, DataFrame]:
    """Every valid claim with its flags, duplicate_of, fraud_score and fraud_reasons (SCORED_COLUMNS), and the
    persisted intermediate it reads (the caller unpersists it once the scored claims are materialized)."""
    profile = provider_profile(valid, settings).select("provider_id", "weekend_share", "round_charge_share",
                                                        "is_benford_flagged")  # fmt: skip
    statistics = procedure_statistics(valid)
    day_counts = provider_day_counts(valid)
    claims = valid.repartition("patient_id")
    with_statistics = add_procedure_flags(claims, statistics, settings).join(
        F.broadcast(profile), "provider_id", "left"
    )
    with_exact = add_exact_duplicates(with_statistics).persist(StorageLevel.MEMORY_AND_DISK)
    with_duplicates = add_near_duplicates(with_exact, settings)
    with_rules = add_rules(with_duplicates, day_counts)
    return add_score(with_rules).select(*SCORED_COLUMNS), with_exact


def summarize_providers(scored: DataFrame, valid: DataFrame, settings: FraudSettings) -> DataFrame:
    """One row per provider: its claims, how many are flagged (as flagged/ holds them) and high risk, and the
    provider-level figures the rules and Benford use."""
    flagged = is_flagged(settings.min_fraud_score)
    counts = scored.groupBy("provider_id").agg(
        F.count(F.lit(1)).alias("claims"),
        F.sum(flagged.cast("long")).alias("flagged_claims"),
        F.sum(F.col("is_high_risk").cast("long")).alias("high_risk_claims"),
        F.sum("charge_amount").alias("total_charges"),
        F.avg("fraud_score").alias("mean_fraud_score"),
        F.max("fraud_score").alias("max_fraud_score"),
    )
    profile = provider_profile(valid, settings).drop("provider_claims")
    return counts.join(profile, "provider_id", "left").select(
        "provider_id",
        "claims",
        "flagged_claims",
        (F.col("flagged_claims") / F.col("claims")).alias("flagged_share"),
        "high_risk_claims",
        "total_charges",
        "mean_fraud_score",
        "max_fraud_score",
        "weekend_share",
        "round_charge_share",
        "benford_deviation",
        "is_benford_flagged",
    )
