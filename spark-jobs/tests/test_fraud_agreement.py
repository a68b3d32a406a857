"""The Spark fraud job and the independent pandas reference agree claim for claim, on generated claims plus
hand-made edge cases (ties, zero spread, empty and one-row groups, unicode ids, the 30-day boundary, duplicates and
repeated ids split across input files, so across partitions)."""

import numpy as np
import pandas as pd
import pytest
from fraud_support import edge_case_files, load_reference, run_job

from emr_jobs.fraud.datagen import generate_claims

FLAGS = ["is_zscore_outlier", "is_iqr_outlier", "is_benford_flagged", "is_exact_duplicate", "is_near_duplicate",
         "rule_provider_daily_volume", "rule_patient_daily_volume", "rule_weekend_provider",
         "rule_round_charge_provider", "rule_long_distance", "rule_out_of_state", "is_high_risk"]  # fmt: skip
DAY = "2024-12-31"


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    root = tmp_path_factory.mktemp("fraud_agreement")
    inputs = root / "claims"
    inputs.mkdir()
    generated = generate_claims(rows=1500, seed=31).rows
    third = len(generated) // 3
    parts = [generated.iloc[:third], generated.iloc[third : 2 * third], generated.iloc[2 * third :]]
    for index, (part, edges) in enumerate(zip(parts, edge_case_files(), strict=True)):
        pd.concat([part, edges]).to_csv(inputs / f"part-{index}.csv", index=False)
    code, _ = run_job("--input", inputs, "--output", root / "spark", "--date", DAY)
    assert code == 0
    reference = load_reference()
    valid, rejected = reference.cleanse(reference.load(sorted(inputs.glob("*.csv"))))
    expected = reference.detect(valid)
    actual = pd.read_parquet(root / "spark" / "scored")
    return {
        "actual": actual.sort_values("claim_id").reset_index(drop=True),
        "expected": expected.sort_values("claim_id").reset_index(drop=True),
        "rejected": pd.read_parquet(root / "spark" / "rejected"),
        "expected_rejected": rejected,
        "providers": pd.read_parquet(root / "spark" / "provider_summary"),
        "expected_providers": reference.summarize_providers(expected, 0.0, 30),
    }


def test_the_same_claims_are_scored(both):
    assert both["actual"]["claim_id"].tolist() == both["expected"]["claim_id"].tolist()
    assert len(both["actual"]) > 1400


@pytest.mark.parametrize("flag", FLAGS)
def test_each_flag_agrees(both, flag):
    actual, expected = both["actual"], both["expected"]
    mismatched = actual.loc[actual[flag] != expected[flag], "claim_id"].tolist()
    assert mismatched == [], flag
    assert expected[flag].any(), f"the data never sets {flag}, so agreement proves little"


def test_scores_reasons_and_duplicate_pointers_agree(both):
    actual, expected = both["actual"], both["expected"]
    assert actual["fraud_score"].tolist() == expected["fraud_score"].tolist()
    assert actual["rules_triggered"].tolist() == expected["rules_triggered"].tolist()
    assert actual["fraud_reasons"].tolist() == expected["fraud_reasons"].tolist()
    assert actual["duplicate_of"].fillna("-").tolist() == expected["duplicate_of"].fillna("-").tolist()
    np.testing.assert_allclose(actual["charge_zscore"], expected["charge_zscore"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(actual["distance_miles"], expected["distance_miles"], rtol=1e-9)  # NaN where NaN
    np.testing.assert_allclose(
        actual["near_duplicate_similarity"], expected["near_duplicate_similarity"], rtol=0, atol=0
    )


def test_rejected_rows_and_reasons_agree(both):
    def pairs(frame):
        return sorted(zip(frame["claim_id"].fillna("<null>"), frame["reject_reason"], strict=True))

    assert pairs(both["rejected"]) == pairs(both["expected_rejected"])
    assert {"duplicate_claim_id", "conflicting_claim_id", "non_positive_charge", "null_patient_id"} <= set(
        both["rejected"]["reject_reason"]
    )


def test_provider_summaries_agree(both):
    actual = both["providers"].sort_values("provider_id").reset_index(drop=True)
    expected = both["expected_providers"].sort_values("provider_id").reset_index(drop=True)
    assert actual["provider_id"].tolist() == expected["provider_id"].tolist()
    for column in ("claims", "flagged_claims", "high_risk_claims"):
        assert actual[column].tolist() == expected[column].astype("int64").tolist(), column
    for column in ("flagged_share", "total_charges", "mean_fraud_score", "weekend_share", "benford_deviation"):
        np.testing.assert_allclose(actual[column].astype(float), expected[column].astype(float), rtol=1e-9)


def _row(both, claim_id):
    return both["actual"].set_index("claim_id").loc[claim_id]


def test_edge_cases_get_the_defined_answers(both):
    assert _row(both, "T-b")["duplicate_of"] == "T-a" and _row(both, "T-c")["duplicate_of"] == "T-a"  # a tie
    assert not _row(both, "T-a")["is_near_duplicate"]
    assert [_row(both, c)["duplicate_of"] for c in ("X-1", "X-2", "X-3")] == [None, "X-1", "X-1"]
    assert not _row(both, "X-2")["is_near_duplicate"]  # an exact copy is never a near-duplicate candidate
    assert all(_row(both, f"Z-{i}")["charge_zscore"] == 0.0 for i in range(4))  # zero spread
    assert _row(both, "S-1")["charge_zscore"] == 0.0 and not _row(both, "S-1")["is_iqr_outlier"]  # one row
    assert "GONE" not in set(both["actual"]["procedure_code"])
    assert "D-empty" not in set(both["providers"]["provider_id"])
    assert _row(both, "Ü-10")["duplicate_of"] == "Y-1" and _row(both, "Ü-2")["duplicate_of"] == "Y-1"  # tie
    assert _row(both, "B-2")["duplicate_of"] == "B-1" and not _row(both, "B-3")["is_near_duplicate"]
    assert _row(both, "L-2")["duplicate_of"] == "L-1" and _row(both, "L-3")["duplicate_of"] == "L-2"
    assert "DUP-ID" not in set(both["actual"]["claim_id"])  # two different claims under one id: none trusted
    assert (
        sorted(both["rejected"].loc[both["rejected"]["claim_id"] == "DUP-ID", "reject_reason"])
        == ["conflicting_claim_id"] * 3
    )
    assert _row(both, "REP-ID")["charge_amount"] == 80.0  # sent twice, identical once parsed: one kept
    assert both["rejected"].loc[both["rejected"]["claim_id"] == "REP-ID", "reject_reason"].tolist() == [
        "duplicate_claim_id"
    ]
    assert np.isnan(_row(both, "W-1")["distance_miles"]) and not _row(both, "W-1")["rule_long_distance"]
    assert _row(both, "W-2")["rule_out_of_state"]
