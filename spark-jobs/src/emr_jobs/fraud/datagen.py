"""Seeded claims generator with planted fraud patterns and planted bad rows, for tests, samples and benchmarks.

Ordinary claims: a patient sees up to three providers, mostly in their own state, on weekdays, with charges
log-normal around the procedure's price. Planted patterns (claim ids listed in `planted`, with the expected
`duplicate_of` where one applies): charge outliers, exact-duplicate copies, near-duplicate resubmissions, a provider
whose charges break Benford's law, a weekend-heavy provider, a round-charge provider, a provider with 60 claims on
one day, a patient with 7 claims on one day, long-distance claims, and high-risk claims (a copy of an outlier charge
billed across the country). Every bad row is a copy of a good claim with
one defect (`kind` = the reason the job must give), so a correct job scores every good claim and rejects exactly the
bad rows.

    python -m emr_jobs.fraud.datagen --rows 100000 --seed 7 --output claims.csv --format csv
"""

import argparse
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

FORMATS = ("csv", "json", "parquet")
COLUMNS = (
    "claim_id", "patient_id", "provider_id", "procedure_code", "charge_amount", "service_date", "submitted_at",
    "patient_state", "provider_state", "patient_lat", "patient_lon", "provider_lat", "provider_lon",
)  # fmt: skip
# State centroids (lat, lon): enough spread that cross-country claims are over 500 miles.
STATES = {
    "CA": (36.8, -119.4), "TX": (31.0, -99.9), "NY": (42.9, -75.5), "FL": (27.8, -81.7), "IL": (40.0, -89.2),
    "PA": (41.2, -77.2), "OH": (40.4, -82.9), "GA": (32.7, -83.4), "WA": (47.4, -120.7), "AZ": (34.2, -111.7),
}  # fmt: skip
BAD_ROW_KINDS = (
    "null_claim_id",
    "null_patient_id",
    "null_charge_amount",
    "unparsable_charge_amount",
    "unparsable_service_date",
    "unparsable_submitted_at",
    "unparsable_coordinate",
    "coordinate_out_of_range",
    "non_positive_charge",
    "duplicate_claim_id",
)
TEXT_ONLY_KINDS = ("unparsable_charge_amount", "unparsable_service_date", "unparsable_submitted_at",
                   "unparsable_coordinate")  # fmt: skip
PROCEDURES = 200  # prices log-uniform over three decades, so ordinary providers roughly follow Benford


@dataclass(frozen=True)
class GeneratedClaims:
    rows: pd.DataFrame  # every column as text (None for missing), in output order
    planted: pd.DataFrame  # claim_id, pattern, duplicate_of
    bad_rows: pd.DataFrame  # rows as written, with the defect planted in `kind`


def _dates(rng: np.random.Generator, count: int, start: dt.date, days: int, weekend_keep: float) -> np.ndarray:
    offsets = rng.integers(0, days, count)
    dates = np.datetime64(start) + offsets.astype("timedelta64[D]")
    weekday = (dates.astype("datetime64[D]").view("int64") - 4) % 7  # 1970-01-01 was a Thursday: Monday = 0
    weekend = weekday >= 5
    moved = weekend & (rng.random(count) > weekend_keep)
    return np.where(moved, dates - (weekday - 4).astype("timedelta64[D]"), dates)  # to the Friday before


def _coordinates(rng: np.random.Generator, states: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    centres = np.array([STATES[s] for s in states]) if len(states) else np.zeros((0, 2))
    jitter = rng.normal(0.0, 0.8, (len(states), 2))
    return np.round(centres[:, 0] + jitter[:, 0], 5), np.round(centres[:, 1] + jitter[:, 1], 5)


def _base_claims(rng: np.random.Generator, count: int, patients: int, providers: int, start: dt.date, days: int):
    state_names = np.array(list(STATES))
    patient_state = state_names[rng.integers(0, len(state_names), patients)]
    provider_state = state_names[rng.integers(0, len(state_names), providers)]
    home_providers = rng.integers(0, providers, (patients, 3))
    prices = np.round(np.exp(rng.uniform(np.log(10), np.log(10000), PROCEDURES)), 2)
    patient = rng.integers(0, patients, count)
    provider = home_providers[patient, rng.integers(0, 3, count)]
    out_of_state = rng.random(count) < 0.04  # a provider across the border: other state, close by
    procedure = rng.integers(0, PROCEDURES, count)
    charge = np.round(prices[procedure] * np.exp(rng.normal(0.0, 0.15, count)), 2)
    claims = pd.DataFrame(
        {
            "patient": patient,
            "provider": provider,
            "procedure": procedure,
            "charge": charge,
            "service_date": _dates(rng, count, start, days, weekend_keep=0.2),
            "patient_state": patient_state[patient],
            "provider_state": np.where(out_of_state, provider_state[provider], patient_state[patient]),
        }
    )
    claims["coord_state"] = claims["patient_state"]
    return claims


def generate_claims(
    rows: int,
    seed: int,
    input_format: str = "csv",
    start: dt.date = dt.date(2024, 1, 1),
    days: int = 365,
    bad_row_fraction: float = 0.02,
    missing_coordinate_fraction: float = 0.05,
) -> GeneratedClaims:
    if rows < 200:
        raise ValueError("rows must be at least 200 (the planted patterns need room)")
    rng = np.random.default_rng(seed)
    bad_count = round(rows * bad_row_fraction)
    good_count = rows - bad_count
    providers = max(20, good_count // 2000)
    patients = max(50, good_count // 8)
    planted_sizes = {
        "charge_outlier": max(3, good_count // 400),
        "exact_duplicate": max(3, good_count // 200),
        "near_duplicate": max(3, good_count // 200),
        "long_distance": max(3, good_count // 500),
        "high_risk": max(2, good_count // 1000),
    }
    fixed = 60 + 7 + 3 * 40  # provider day, patient day, and three 40-claim providers of their own
    copies = planted_sizes["exact_duplicate"] + planted_sizes["near_duplicate"] + 2 * planted_sizes["high_risk"]
    base_count = good_count - fixed - copies
    claims = _base_claims(rng, base_count, patients, providers, start, days)
    planted: list[tuple[int, str, int | None]] = []  # row index, pattern, index of the original

    outliers = rng.choice(base_count, planted_sizes["charge_outlier"], replace=False)
    claims.loc[outliers, "charge"] = np.round(claims.loc[outliers, "charge"] * rng.uniform(8, 12, len(outliers)), 2)
    planted += [(int(i), "charge_outlier", None) for i in outliers]
    far = rng.choice(np.setdiff1d(np.arange(base_count), outliers), planted_sizes["long_distance"], replace=False)
    claims.loc[far, "coord_state"] = np.where(claims.loc[far, "patient_state"] == "CA", "NY", "CA")
    planted += [(int(i), "long_distance", None) for i in far]

    for pattern, frame in _special_patterns(claims, rng, providers, start):
        planted += [(len(claims) + k, pattern, None) for k in range(len(frame))]
        claims = pd.concat([claims, frame], ignore_index=True)

    originals = rng.choice(
        base_count, planted_sizes["exact_duplicate"] + planted_sizes["near_duplicate"], replace=False
    )
    exact = claims.loc[originals[: planted_sizes["exact_duplicate"]]].copy()
    near = claims.loc[originals[planted_sizes["exact_duplicate"] :]].copy()
    near["service_date"] = near["service_date"] + rng.integers(1, 11, len(near)).astype("timedelta64[D]")
    near["charge"] = np.round(near["charge"] * rng.uniform(0.985, 1.015, len(near)), 2)
    # High risk: a copy of an outlier charge at the Benford provider, billed across the country
    # (duplicate 54 + Benford 10 + IQR 10 + long distance 6 + out of state 6 = 86 units of 1/120, over 84).
    risky_originals = _like(claims, rng, planted_sizes["high_risk"], provider=benford_provider(providers))
    risky_originals["charge"] = np.round(_benford_breaking(rng, risky_originals["charge"]) * 100, 2)
    risky_originals["coord_state"] = np.where(risky_originals["patient_state"] == "CA", "NY", "CA")
    risky_originals["provider_state"] = np.where(risky_originals["patient_state"] == "FL", "WA", "FL")
    risky_originals.index = np.arange(len(claims), len(claims) + len(risky_originals))
    claims = pd.concat([claims, risky_originals])
    risky = risky_originals.copy()
    for pattern, frame in (("exact_duplicate", exact), ("near_duplicate", near), ("high_risk", risky)):
        planted += [(len(claims) + k, pattern, int(o)) for k, o in enumerate(frame.index)]
        claims = pd.concat([claims, frame], ignore_index=True)

    needs_coordinates = [i for i, pattern, _ in planted if pattern in ("long_distance", "high_risk")]
    text = _as_text(claims, rng, missing_coordinate_fraction, needs_coordinates)
    planted_frame = pd.DataFrame(
        {
            "claim_id": [text.at[i, "claim_id"] for i, _, _ in planted],
            "pattern": [p for _, p, _ in planted],
            "duplicate_of": [text.at[o, "claim_id"] if o is not None else None for _, _, o in planted],
        }
    )
    bad = _bad_rows(rng, text, bad_count, input_format)
    combined = pd.concat([text, bad.drop(columns="kind")], ignore_index=True)
    shuffled = combined.iloc[rng.permutation(len(combined))].reset_index(drop=True)
    return GeneratedClaims(rows=shuffled, planted=planted_frame, bad_rows=bad.reset_index(drop=True))


def _special_patterns(claims: pd.DataFrame, rng: np.random.Generator, providers: int, start: dt.date):
    """(pattern, claims) for the provider- and patient-level patterns, each built from ordinary-looking claims;
    the weekend, round-charge and Benford providers are providers of their own, so their shares are planted."""
    special = []
    day = np.datetime64(start) + np.timedelta64(10, "D")
    busy = _like(claims, rng, 60, provider=0, dates=np.full(60, day))  # provider 0, 60 claims one day
    special.append(("provider_daily_volume", busy))
    patient_day = _like(claims, rng, 7, patient=0, dates=np.full(7, day + 1))
    special.append(("patient_daily_volume", patient_day))
    weekend = _like(claims, rng, 40, provider=providers)
    weekend["service_date"] = np.datetime64("2024-01-06") + (7 * rng.integers(0, 50, 40)).astype("timedelta64[D]")
    special.append(("weekend_provider", weekend))
    round_charges = _like(claims, rng, 40, provider=providers + 1)
    round_charges["charge"] = 100.0 * rng.integers(1, 30, 40)
    special.append(("round_charge_provider", round_charges))
    benford = _like(claims, rng, 40, provider=benford_provider(providers))
    benford["charge"] = np.round(_benford_breaking(rng, benford["charge"]), 2)
    special.append(("benford", benford))
    return special


def benford_provider(providers: int) -> int:  # a fixed id past the ordinary providers
    return providers + 2


def _benford_breaking(rng: np.random.Generator, charges: pd.Series) -> np.ndarray:
    """Same order of magnitude, but a first digit of 7, 8 or 9 only."""
    magnitude = 10.0 ** np.floor(np.log10(charges.to_numpy()))
    return magnitude * rng.uniform(7.0, 9.99, len(charges))


def _like(claims: pd.DataFrame, rng: np.random.Generator, count: int, provider=None, patient=None, dates=None):
    """`count` ordinary-looking claims, optionally pinned to one provider, patient or dates."""
    frame = claims.iloc[rng.choice(len(claims), count, replace=False)].copy().reset_index(drop=True)
    if provider is not None:
        frame["provider"] = provider
    if patient is not None:
        frame["patient"] = patient
        frame["patient_state"] = frame["coord_state"] = frame["provider_state"] = frame.loc[0, "patient_state"]
    if dates is not None:
        frame["service_date"] = dates
    return frame


def _as_text(claims: pd.DataFrame, rng: np.random.Generator, missing_coordinate_fraction: float,
             needs_coordinates: list[int]) -> pd.DataFrame:  # fmt: skip
    count = len(claims)
    dates = pd.to_datetime(claims["service_date"])
    submitted = dates + pd.to_timedelta(rng.integers(3600, 30 * 86400, count), unit="s")
    patient_lat, patient_lon = _coordinates(rng, claims["coord_state"].to_numpy())
    provider_lat, provider_lon = _coordinates(rng, claims["provider_state"].to_numpy())
    text = pd.DataFrame(
        {
            "claim_id": [f"CLM{i:08d}" for i in range(count)],
            "patient_id": [f"PAT{p:07d}" for p in claims["patient"]],
            "provider_id": [f"PRV{p:05d}" for p in claims["provider"]],
            "procedure_code": [f"{99201 + p}" for p in claims["procedure"]],
            "charge_amount": np.char.mod("%.2f", claims["charge"].to_numpy()),
            "service_date": dates.dt.strftime("%Y-%m-%d").to_numpy(),
            "submitted_at": submitted.dt.strftime("%Y-%m-%dT%H:%M:%SZ").to_numpy(),
            "patient_state": claims["patient_state"].to_numpy(),
            "provider_state": claims["provider_state"].to_numpy(),
            "patient_lat": np.char.mod("%.5f", patient_lat),
            "patient_lon": np.char.mod("%.5f", patient_lon),
            "provider_lat": np.char.mod("%.5f", provider_lat),
            "provider_lon": np.char.mod("%.5f", provider_lon),
        }
    ).astype(object)
    missing = rng.random(count) < missing_coordinate_fraction
    missing[needs_coordinates] = False  # a planted long distance needs both ends
    text.loc[missing, ["patient_lat", "patient_lon"]] = None
    return text


def _bad_rows(rng: np.random.Generator, good: pd.DataFrame, count: int, input_format: str) -> pd.DataFrame:
    kinds = [k for k in BAD_ROW_KINDS if input_format != "parquet" or k not in TEXT_ONLY_KINDS]
    if count == 0:
        return pd.DataFrame(columns=[*COLUMNS, "kind"])
    bad = good.iloc[rng.choice(len(good), size=count, replace=False)].copy().reset_index(drop=True)
    bad["kind"] = [kinds[i % len(kinds)] for i in range(count)]
    edits = {
        "null_claim_id": ("claim_id", None),
        "null_patient_id": ("patient_id", None),
        "null_charge_amount": ("charge_amount", None),
        "unparsable_charge_amount": ("charge_amount", "12,5O"),
        "unparsable_service_date": ("service_date", "2024-02-30"),
        "unparsable_submitted_at": ("submitted_at", "yesterday"),
        "unparsable_coordinate": ("provider_lat", "north"),
        "coordinate_out_of_range": ("provider_lat", "123.0"),
        "non_positive_charge": ("charge_amount", "-50.00"),
    }  # "duplicate_claim_id" stays an exact copy of a good row
    for kind, (column, value) in edits.items():
        bad.loc[bad["kind"] == kind, column] = value
    return bad


def write_claims(rows: pd.DataFrame, path: str | Path, output_format: str) -> None:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if output_format == "csv":
        rows.to_csv(target, index=False)
    elif output_format == "json":
        rows.to_json(target, orient="records", lines=True, force_ascii=False)
    elif output_format == "parquet":
        pq.write_table(typed_table(rows), target, compression="snappy", coerce_timestamps="us")
    else:
        raise ValueError(f"unknown format {output_format}")


def typed_table(rows: pd.DataFrame) -> pa.Table:
    def number(column: str) -> pa.Array:
        values = pd.to_numeric(rows[column], errors="coerce")
        return pa.array(values.to_numpy(dtype="float64"), mask=rows[column].isna().to_numpy())

    return pa.table(
        {
            **{c: pa.array(rows[c], type=pa.string()) for c in ("claim_id", "patient_id", "provider_id",
                                                                 "procedure_code")},
            "charge_amount": number("charge_amount"),
            "service_date": pa.array(pd.to_datetime(rows["service_date"]).dt.date, type=pa.date32()),
            "submitted_at": pa.array(pd.to_datetime(rows["submitted_at"], utc=True), type=pa.timestamp("us", tz="UTC")),
            "patient_state": pa.array(rows["patient_state"], type=pa.string()),
            "provider_state": pa.array(rows["provider_state"], type=pa.string()),
            **{c: number(c) for c in ("patient_lat", "patient_lon", "provider_lat", "provider_lon")},
        }
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="fraud-datagen", description=__doc__,
                                     formatter_class=argparse.RawTextHelpFormatter)  # fmt: skip
    parser.add_argument("--rows", type=int, required=True, help="total rows, bad rows included (at least 200)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--output", required=True, help="file to write")
    parser.add_argument("--format", choices=FORMATS, default="csv")
    parser.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2024, 1, 1), help="first service date")
    parser.add_argument("--bad-row-fraction", type=float, default=0.02)
    parser.add_argument("--planted", help="also write the planted patterns (claim_id, pattern, duplicate_of) here")
    args = parser.parse_args(argv)
    generated = generate_claims(rows=args.rows, seed=args.seed, input_format=args.format, start=args.start,
                                bad_row_fraction=args.bad_row_fraction)  # fmt: skip
    write_claims(generated.rows, args.output, args.format)
    if args.planted:
        generated.planted.to_csv(args.planted, index=False)
    print(
        f"fraud-datagen: wrote {len(generated.rows)} rows ({len(generated.bad_rows)} bad, "
        f"{len(generated.planted)} planted) to {args.output}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
