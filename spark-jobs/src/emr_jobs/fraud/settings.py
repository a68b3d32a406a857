"""Detection parameters (the job's options), validated once so the detections can trust them."""

from dataclasses import dataclass

# Fixed by the definitions (README "fraud_detection"), not options.
BENFORD_DEVIATION_LIMIT = 0.15
HIGH_RISK_SCORE = 0.7
PROVIDER_DAILY_CLAIMS_LIMIT = 50
PATIENT_DAILY_CLAIMS_LIMIT = 5
WEEKEND_SHARE_LIMIT = 0.30
ROUND_CHARGE_SHARE_LIMIT = 0.20
ROUND_CHARGE_UNIT = 100.0
DISTANCE_LIMIT_MILES = 500.0
EARTH_RADIUS_MILES = 3958.8
NEAR_DUPLICATE_DAYS = 30
# The largest charge_amount a claim may carry (inclusive); larger is out_of_range_charge_amount. Far above any real
# claim, and small enough that a procedure's variance cannot overflow a double (1e300 made the stddev infinite).
MAXIMUM_CHARGE = 10_000_000.0
RULE_COUNT = 6
STATISTICAL_FLAG_COUNT = 3
WEIGHT_RULES, WEIGHT_STATISTICAL, WEIGHT_DUPLICATE = 0.30, 0.25, 0.45


@dataclass(frozen=True)
class FraudSettings:
    zscore_threshold: float = 3.0
    iqr_multiplier: float = 1.5
    duplicate_threshold: float = 0.9
    benford_min_claims: int = 30
    min_fraud_score: float = 0.0
