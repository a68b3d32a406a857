"""Exact and near duplicates among valid claims.

Exact: same patient, provider, procedure, service_date and charge; the lowest claim_id (string order) is the
original, the others are copies pointing at it. Near: pairs of the same patient and provider, service dates at most
NEAR_DUPLICATE_DAYS apart, neither an exact copy; the claim with the greater claim_id is flagged when its best
similarity to a lower claim_id reaches --duplicate-threshold, pointing at that best match (ties: lowest claim_id).
"""

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from emr_jobs.fraud.settings import NEAR_DUPLICATE_DAYS, FraudSettings

EXACT_KEY = ("patient_id", "provider_id", "procedure_code", "service_date", "charge_amount")


def add_exact_duplicates(claims: DataFrame) -> DataFrame:
    original = F.min("claim_id").over(Window.partitionBy(*EXACT_KEY))
    return claims.withColumn("_original", original).select(
        "*",
        (F.col("claim_id") != F.col("_original")).alias("is_exact_duplicate"),
    )


def near_duplicate_matches(claims: DataFrame, settings: FraudSettings) -> DataFrame:
    """patient_id, claim_id, near_duplicate_of, near_duplicate_similarity for each flagged near-duplicate.

    The self-join is blocked on (patient, provider): only claims of one patient at one provider are paired. The
    result keeps patient_id so it joins back on (patient_id, claim_id) — claim_id is unique among valid claims —
    and the claims keep their partitioning by patient instead of being shuffled by claim_id."""
    candidates = claims.filter(~F.col("is_exact_duplicate")).select(
        "patient_id", "provider_id", "claim_id", "procedure_code", "charge_amount", "service_date"
    )
    earlier = candidates.select([F.col(c).alias(f"a_{c}") for c in candidates.columns])
    pairs = candidates.join(
        earlier,
        (F.col("patient_id") == F.col("a_patient_id"))
        & (F.col("provider_id") == F.col("a_provider_id"))
        & (F.col("a_claim_id") < F.col("claim_id"))
        & (F.abs(F.datediff(F.col("service_date"), F.col("a_service_date"))) <= NEAR_DUPLICATE_DAYS),
    )
    same_procedure = (F.col("procedure_code") == F.col("a_procedure_code")).cast("double")
    a, b = F.col("a_charge_amount"), F.col("charge_amount")
    similarity = F.lit(0.6) * same_procedure + F.lit(0.4) * (F.lit(1.0) - F.abs(a - b) / F.greatest(a, b))
    close = pairs.select("patient_id", "claim_id", "a_claim_id", similarity.alias("similarity")).filter(
        F.col("similarity") >= F.lit(settings.duplicate_threshold)
    )
    # The best match: highest similarity, then lowest claim_id — the minimum of (-similarity, claim_id).
    best = close.groupBy("patient_id", "claim_id").agg(
        F.min(F.struct((-F.col("similarity")).alias("negated"), F.col("a_claim_id"))).alias("_best")
    )
    return best.select(
        "patient_id",
        "claim_id",
        F.col("_best.a_claim_id").alias("near_duplicate_of"),
        (-F.col("_best.negated")).alias("near_duplicate_similarity"),
    )


def add_near_duplicates(with_exact: DataFrame, settings: FraudSettings) -> DataFrame:
    """On claims with add_exact_duplicates' columns: adds is_near_duplicate, duplicate_of and
    near_duplicate_similarity."""
    matches = near_duplicate_matches(with_exact, settings)
    joined = with_exact.join(matches, ["patient_id", "claim_id"], "left")
    return joined.select(
        *[c for c in with_exact.columns if c != "_original"],
        F.col("near_duplicate_of").isNotNull().alias("is_near_duplicate"),
        F.when(F.col("is_exact_duplicate"), F.col("_original"))
        .otherwise(F.col("near_duplicate_of"))
        .alias("duplicate_of"),
        "near_duplicate_similarity",
    )
