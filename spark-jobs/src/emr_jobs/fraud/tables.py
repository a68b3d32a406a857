"""The fraud job's tables (fraud_detection --output <root>: <root>/<dataset>/detection_date=D/, parquet by default;
--output-format csv or json writes files these tables cannot read)."""

from emr_jobs.framework.tables import Column, Table
from emr_jobs.fraud.schema import CLAIM_COLUMNS

JOB = "fraud_detection"
DETECTION_DATE = (Column("detection_date", "string", "the run's day, yyyy-MM-dd"),)
SCORED_CLAIM = (
    Column("claim_id", "string"),
    Column("patient_id", "string"),
    Column("provider_id", "string"),
    Column("procedure_code", "string"),
    Column("charge_amount", "double"),
    Column("service_date", "date"),
    Column("submitted_at", "timestamp"),
    Column("patient_state", "string"),
    Column("provider_state", "string"),
    Column("patient_lat", "double"),
    Column("patient_lon", "double"),
    Column("provider_lat", "double"),
    Column("provider_lon", "double"),
    Column("charge_zscore", "double", "z-score of the charge within its procedure code"),
    Column("distance_miles", "double", "patient to provider"),
    Column("is_zscore_outlier", "boolean"),
    Column("is_iqr_outlier", "boolean"),
    Column("is_benford_flagged", "boolean", "the provider's first digits deviate from Benford's law"),
    Column("is_exact_duplicate", "boolean"),
    Column("is_near_duplicate", "boolean"),
    Column("rule_provider_daily_volume", "boolean"),
    Column("rule_patient_daily_volume", "boolean"),
    Column("rule_weekend_provider", "boolean"),
    Column("rule_round_charge_provider", "boolean"),
    Column("rule_long_distance", "boolean"),
    Column("rule_out_of_state", "boolean"),
    Column("duplicate_of", "string", "claim_id of the claim this one duplicates"),
    Column("near_duplicate_similarity", "double"),
    Column("rules_triggered", "int"),
    Column("fraud_score", "double"),
    Column("fraud_reasons", "string"),
    Column("is_high_risk", "boolean"),
)

TABLES = (
    Table("fraud_scored", JOB, "scored", SCORED_CLAIM, DETECTION_DATE, "every valid claim with its scores and flags"),
    Table("fraud_flagged", JOB, "flagged", SCORED_CLAIM, DETECTION_DATE, "claims at or above --min-fraud-score"),
    Table("fraud_high_risk", JOB, "high_risk", SCORED_CLAIM, DETECTION_DATE, "claims with is_high_risk"),
    Table(
        "fraud_provider_summary",
        JOB,
        "provider_summary",
        (
            Column("provider_id", "string"),
            Column("claims", "bigint"),
            Column("flagged_claims", "bigint"),
            Column("flagged_share", "double"),
            Column("high_risk_claims", "bigint"),
            Column("total_charges", "double"),
            Column("mean_fraud_score", "double"),
            Column("max_fraud_score", "double"),
            Column("weekend_share", "double"),
            Column("round_charge_share", "double"),
            Column("benford_deviation", "double"),
            Column("is_benford_flagged", "boolean"),
        ),
        DETECTION_DATE,
        "one row per provider and run",
    ),
    Table(
        "fraud_rejected",
        JOB,
        "rejected",
        (
            *(Column(name, "string", "as read") for name in CLAIM_COLUMNS),
            Column("raw_record", "string", "the whole input line, for a line that could not be parsed"),
            Column("reject_reason", "string", "why the claim was rejected (one reason per row)"),
        ),
        DETECTION_DATE,
        "input claims that failed validation, with their original text",
    ),
)
