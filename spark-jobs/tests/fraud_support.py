"""Builders the fraud tests share: running the job quietly, hand-made edge-case claims, the pandas reference."""

import contextlib
import importlib.util
import io
from pathlib import Path

import pandas as pd

from emr_jobs.fraud.datagen import COLUMNS
from emr_jobs.jobs import fraud_detection

REFERENCE_PATH = Path(__file__).resolve().parents[1] / "bench" / "fraud_reference.py"


def run_job(*args) -> tuple[int, str]:
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        code = fraud_detection.main([str(a) for a in args])
    return code, stdout.getvalue()


def load_reference():
    spec = importlib.util.spec_from_file_location("fraud_reference", REFERENCE_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def claim(claim_id, patient, provider, date="2024-03-04", charge="100.00", procedure="E-PROC", **overrides) -> dict:
    row = {
        "claim_id": claim_id,
        "patient_id": patient,
        "provider_id": provider,
        "procedure_code": procedure,
        "charge_amount": charge,
        "service_date": date,
        "submitted_at": f"{date}T12:00:00Z",
        "patient_state": "NY",
        "provider_state": "NY",
        "patient_lat": "40.7",
        "patient_lon": "-74.0",
        "provider_lat": "40.8",
        "provider_lon": "-73.9",
    }
    row.update(overrides)
    return row


def edge_case_files() -> list[pd.DataFrame]:
    """Three files' worth of hand-made claims; the pairs that must meet are split across files (partitions)."""
    first = [
        # near-duplicate ties: T-c is as similar to T-a as to T-b and points at the lower id, T-a
        claim("T-a", "P-tie", "D-tie", "2024-03-01"),
        claim("T-b", "P-tie", "D-tie", "2024-03-05"),
        # exact duplicates, the original arriving last: point at X-1
        claim("X-3", "P-exact", "D-exact", "2024-03-06", "250.00"),
        # zero spread: four equal charges of 0.10 (a mean that is not exactly 0.1 in floating point)
        *[claim(f"Z-{i}", f"P-zero-{i}", "D-zero", "2024-03-07", "0.10", "ZERO") for i in range(4)],
        # one-row group
        claim("S-1", "P-solo", "D-solo", "2024-03-07", "5000.00", "SOLO"),
        # empty groups: a procedure and a provider whose only claims are rejected
        claim("G-1", "P-gone", "D-gone", charge="-5.00", procedure="GONE"),
        claim("G-2", None, "D-empty"),
        # unicode ids; string order is Y-1 < Ü-10 < Ü-2
        claim("Ü-2", "患者-Zoë", "Prov-Ω", "2024-03-12", "101.00"),
        # 30 days apart counts (B-1, B-2; and across February of a leap year, L-1, L-2); 31 days does not
        claim("B-1", "P-gap", "D-gap", "2024-03-01"),
        claim("L-1", "P-leap", "D-gap", "2024-02-15"),
        # a claim_id with two different claims (one of them twice): none is trusted, all are conflicting_claim_id
        claim("DUP-ID", "P-rep", "D-rep", "2024-03-08", "80.00"),
        # a claim sent twice, identical once parsed (" 80.0" is 80.00): one is kept, one is duplicate_claim_id
        claim("REP-ID", "P-rep", "D-rep", "2024-03-10", "80.00"),
        # weekend claims and missing coordinates
        claim("W-1", "P-week", "D-week", "2024-03-02", patient_lat=None, patient_lon=None),
    ]
    second = [
        claim("T-c", "P-tie", "D-tie", "2024-03-10"),
        claim("X-1", "P-exact", "D-exact", "2024-03-06", "250.00"),
        claim("REP-ID", "P-rep", "D-rep", "2024-03-10", " 80.0"),
        claim("Ü-10", "患者-Zoë", "Prov-Ω", "2024-03-11", "100.00"),
        claim("B-2", "P-gap", "D-gap", "2024-03-31"),
        claim("L-2", "P-leap", "D-gap", "2024-03-16"),
        claim("W-2", "P-week", "D-week", "2024-03-03", provider_state="NJ"),
    ]
    third = [
        claim("X-2", "P-exact", "D-exact", "2024-03-06", "250.00"),
        claim("Y-1", "患者-Zoë", "Prov-Ω", "2024-03-10", "100.00"),
        claim("B-3", "P-gap", "D-gap", "2024-05-01"),
        claim("L-3", "P-leap", "D-gap", "2024-03-17"),
        claim("DUP-ID", "P-rep", "D-rep", "2024-03-08", "80.00"),  # an exact repeat: conflicting all the same
        claim("DUP-ID", "P-rep", "D-rep", "2024-03-09", "90.00"),  # same id, another claim
    ]
    return [pd.DataFrame(rows, columns=list(COLUMNS)) for rows in (first, second, third)]
