"""IQR fences: a charge on a fence is not an outlier, allowing for the one-ulp difference between Spark's percentile
and numpy's quantile (at 1M claims the job and its pandas reference disagreed on one claim before this)."""

import math

from emr_jobs.fraud.settings import FraudSettings
from emr_jobs.fraud.statistics import add_procedure_flags


def test_a_charge_within_rounding_of_the_fence_is_not_flagged_and_a_cent_beyond_is(spark):
    # Q1 10, Q3 30: the upper fence is 30 + 1.5 * 20 = 60, the lower one 10 - 30 = -20.
    stats = spark.createDataFrame(
        [("99213", 30.0, 5.0, [10.0, 30.0])],
        "procedure_code string, procedure_mean double, procedure_stddev double, _quartiles array<double>",
    )
    charges = {"on": 60.0, "one_ulp_above": math.nextafter(60.0, math.inf), "cent_above": 60.01, "inside": 45.0}
    claims = spark.createDataFrame(
        [(name, "99213", value) for name, value in charges.items()],
        "claim_id string, procedure_code string, charge_amount double",
    )
    flagged = {
        row.claim_id: row.is_iqr_outlier for row in add_procedure_flags(claims, stats, FraudSettings()).collect()
    }
    assert flagged == {"on": False, "one_ulp_above": False, "cent_above": True, "inside": False}
