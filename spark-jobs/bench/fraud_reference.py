"""Single-process pandas computation of what the fraud_detection job computes, written independently of it.

The benchmark's baseline and the agreement tests' cross-check: the same reject reasons, detections, score and
outputs (scored, flagged, high_risk, provider_summary, rejected as parquet), from the definitions in the README's
fraud_detection section, with pandas group-bys and merges instead of Spark.

    python spark-jobs/bench/fraud_reference.py --input claims.csv --output out/
"""

import argparse
import datetime as dt
import json
import re
import time
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

REQUIRED = ("claim_id", "patient_id", "provider_id", "procedure_code", "charge_amount", "service_date",
            "submitted_at", "patient_state", "provider_state")  # fmt: skip
COORDINATES = ("patient_lat", "patient_lon", "provider_lat", "provider_lon")
ALL_COLUMNS = (*REQUIRED, *COORDINATES)
RULES = ("rule_provider_daily_volume", "rule_patient_daily_volume", "rule_weekend_provider",
         "rule_round_charge_provider", "rule_long_distance", "rule_out_of_state")  # fmt: skip
STATISTICAL = ("is_zscore_outlier", "is_iqr_outlier", "is_benford_flagged")
REASON_NAMES = {
    "is_zscore_outlier": "zscore", "is_iqr_outlier": "iqr", "is_benford_flagged": "benford",
    "is_exact_duplicate": "exact_duplicate", "is_near_duplicate": "near_duplicate",
    **{rule: rule.removeprefix("rule_") for rule in RULES},
}  # fmt: skip


def load(paths) -> pd.DataFrame:
    """One csv file or several (a directory's files), every column as text, missing columns as null."""
    files = [paths] if isinstance(paths, str | Path) else list(paths)
    frames = [pd.read_csv(f, dtype=str, keep_default_na=False, na_values=[""]) for f in files]
    raw = pd.concat(frames, ignore_index=True)
    for column in ALL_COLUMNS:
        if column not in raw:
            raw[column] = None
    return raw[list(ALL_COLUMNS)]


IDS = ("claim_id", "patient_id", "provider_id", "procedure_code")
NULL_WORDS = ("NULL", "null", "N/A")  # in the id columns, as blank
MAXIMUM_CHARGE = 10_000_000.0
DATE_FIRST = dt.date(1900, 1, 1)
DECIMAL = r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?"
DATE = r"\d{4}-\d{2}-\d{2}"
TIMESTAMP = DATE + r"[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-](?P<hours>\d{2}):(?P<minutes>\d{2}))?"
# Stripped from the edges of every value: Unicode whitespace (TAB, NBSP, ...), the zero-width space, the BOM.
EDGE_SPACE = "".join(chr(c) for c in range(0x110000) if chr(c).isspace()) + "\u200b\ufeff"
# Control and format characters (Unicode categories Cc, Cf; Python's re has no \\p{..}) inside a text: invisible,
# so "SP\u200b" would print as "SP" and still differ from it.
INVISIBLE = re.compile(
    "[" + "".join(re.escape(chr(c)) for c in range(0x110000) if unicodedata.category(chr(c)) in ("Cc", "Cf")) + "]"
)


def _date_last() -> dt.date:
    return dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)


def _clean(column: pd.Series) -> pd.Series:
    """Edge whitespace stripped; blank is null."""
    stripped = column.str.strip(EDGE_SPACE)
    return stripped.where(stripped != "")


def _invisible(column: pd.Series) -> pd.Series:
    """Only the texts that are not plainly printable are searched (the rest cannot hold such a character)."""
    suspect = pd.Series([isinstance(text, str) and not text.isprintable() for text in column], index=column.index)
    found = column[suspect].map(lambda text: INVISIBLE.search(text) is not None)
    return found.reindex(column.index, fill_value=False).astype(bool)


def _decimal(column: pd.Series) -> pd.Series:
    """The decimal grammar only (no NaN, Infinity, 100d, hex, $ or thousands commas); not finite is null."""
    number = pd.to_numeric(column.where(column.str.fullmatch(DECIMAL, na=False)), errors="coerce")
    return number.where(np.isfinite(number))


def _real(column: pd.Series, grammar: pd.Series, parsed: pd.Series, read) -> pd.Series:
    """Whether each text in the grammar is a real date or time: pandas parsed it, or (outside pandas' nanosecond
    range, e.g. 0001-01-01) Python's `read` does."""
    unread = grammar & parsed.isna()
    retried = column[unread].map(lambda text: read(text) is not None)
    return parsed.notna() | retried.reindex(column.index, fill_value=False).astype(bool)


def _read_day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _read_moment(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


def _dates(column: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(the day, NaT where not a real day or outside pandas' range; whether it is a real day)."""
    grammar = column.str.fullmatch(DATE, na=False)
    parsed = pd.to_datetime(column.where(grammar), format="%Y-%m-%d", errors="coerce")
    return parsed, _real(column, grammar, parsed, _read_day)


def _timestamps(column: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(the UTC time, NaT where not a real time or outside pandas' range; whether it is a real time). No zone is
    UTC; an offset is at most 18:00."""
    parts = column.str.extract(f"^(?P<whole>{TIMESTAMP})$")
    hours = pd.to_numeric(parts["hours"], errors="coerce").fillna(0)
    minutes = pd.to_numeric(parts["minutes"], errors="coerce").fillna(0)
    grammar = parts["whole"].notna() & (hours * 60 + minutes <= 18 * 60) & (minutes < 60)
    parsed = pd.to_datetime(column.where(grammar), format="ISO8601", errors="coerce", utc=True)
    return parsed, _real(column, grammar, parsed, _read_moment)


def _in_range(days: pd.Series, real: pd.Series) -> pd.Series:
    """A real day is in range from DATE_FIRST to tomorrow (UTC); one pandas cannot hold (NaT) is far outside."""
    inside = (days >= pd.Timestamp(DATE_FIRST)) & (days <= pd.Timestamp(_date_last()))
    return ~real | inside


def cleanse(raw: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(valid typed claims, rejected rows as text with reject_reason). Reasons in priority order: null, unparsable
    and out-of-range per field, the job's own checks, then repeated claim ids (identical copies keep one,
    different claims under one id are all rejected)."""
    text = raw.apply(_clean)
    for column in IDS:
        text[column] = text[column].where(~text[column].isin(NULL_WORDS))
    claims = text[list(IDS)].copy()
    claims["patient_state"] = text["patient_state"].str.upper()
    claims["provider_state"] = text["provider_state"].str.upper()
    claims["charge_amount"] = _decimal(text["charge_amount"])
    service_days, real_day = _dates(text["service_date"])
    moments, real_moment = _timestamps(text["submitted_at"])
    submitted_days = moments.dt.tz_localize(None).dt.normalize()
    service_ok, submitted_ok = _in_range(service_days, real_day), _in_range(submitted_days, real_moment)
    claims["service_date"] = service_days.where(service_ok)
    claims["submitted_at"] = moments.where(submitted_ok)
    for column in COORDINATES:
        claims[column] = _decimal(text[column])
    coordinates = claims[list(COORDINATES)]
    present = text[list(COORDINATES)].notna()
    limits = np.array([90.0, 180.0, 90.0, 180.0])
    texts = [*IDS, "patient_state", "provider_state"]
    checks = [(f"null_{c}", text[c].isna()) for c in REQUIRED]
    checks += [(f"unparsable_{c}", _invisible(text[c])) for c in texts[:4]]
    checks += [
        ("unparsable_charge_amount", claims["charge_amount"].isna()),
        ("unparsable_service_date", ~real_day),
        ("unparsable_submitted_at", ~real_moment),
    ]
    checks += [(f"unparsable_{c}", _invisible(text[c])) for c in texts[4:]]
    checks += [
        ("unparsable_coordinate", (present & coordinates.isna()).any(axis=1)),
        ("out_of_range_charge_amount", claims["charge_amount"] > MAXIMUM_CHARGE),
        ("out_of_range_service_date", ~service_ok),
        ("out_of_range_submitted_at", ~submitted_ok),
        ("coordinate_out_of_range", (coordinates.abs() > limits).any(axis=1)),
        ("non_positive_charge", claims["charge_amount"] <= 0),
        ("submitted_before_service", submitted_days < claims["service_date"]),
    ]
    reason = pd.Series(np.select([c.to_numpy() for _, c in checks], [n for n, _ in checks], default=""),
                       index=raw.index)  # fmt: skip
    ok = reason == ""
    repeated_ids = claims[ok & claims[ok]["claim_id"].duplicated(keep=False).reindex(raw.index, fill_value=False)]
    typed = repeated_ids.astype(str)  # NaN and NaT compare equal as text
    conflicting = typed.groupby("claim_id").transform("nunique").gt(1).any(axis=1)
    reason[conflicting[conflicting].index] = "conflicting_claim_id"
    ok = reason == ""
    order = raw[ok].assign(_id=claims["claim_id"]).sort_values(["_id", *ALL_COLUMNS], na_position="first",
                                                                 kind="mergesort")  # fmt: skip
    repeated = order.duplicated("_id", keep="first")
    reason[repeated[repeated].index] = "duplicate_claim_id"
    rejected = raw[reason != ""].assign(reject_reason=reason[reason != ""])
    return claims[reason == ""].reset_index(drop=True), rejected.reset_index(drop=True)


def _first_digit(charges: pd.Series) -> pd.Series:
    """The first significant digit read off the number in scientific notation."""
    return charges.map(lambda value: int(f"{value:.15e}"[0]))


def provider_profile(claims: pd.DataFrame, benford_min_claims: int) -> pd.DataFrame:
    weekend = claims["service_date"].dt.dayofweek >= 5
    round_charge = (claims["charge_amount"] > 0) & (np.fmod(claims["charge_amount"], 100.0) == 0)
    digits = pd.crosstab(claims["provider_id"], _first_digit(claims["charge_amount"])).reindex(
        columns=range(1, 10), fill_value=0
    )
    grouped = claims.assign(_weekend=weekend, _round=round_charge).groupby("provider_id")
    profile = pd.DataFrame({"provider_claims": grouped.size()})
    profile["weekend_share"] = grouped["_weekend"].sum() / profile["provider_claims"]
    profile["round_charge_share"] = grouped["_round"].sum() / profile["provider_claims"]
    expected = np.log10(1 + 1 / np.arange(1, 10))
    shares = digits.loc[profile.index].to_numpy() / profile["provider_claims"].to_numpy()[:, None]
    deviation = pd.Series(np.abs(shares - expected).max(axis=1), index=profile.index)
    eligible = profile["provider_claims"] >= benford_min_claims
    profile["benford_deviation"] = deviation.where(eligible)
    profile["is_benford_flagged"] = eligible & (deviation > 0.15)
    return profile


def _near_duplicates(claims: pd.DataFrame, threshold: float) -> pd.DataFrame:
    keys = ["patient_id", "provider_id"]
    candidates = claims.loc[~claims["is_exact_duplicate"], [*keys, "claim_id", "procedure_code", "charge_amount",
                                                           "service_date"]]  # fmt: skip
    pairs = candidates.merge(candidates, on=keys, suffixes=("", "_a"))
    gap = (pairs["service_date"] - pairs["service_date_a"]).dt.days.abs()
    pairs = pairs[(pairs["claim_id_a"] < pairs["claim_id"]) & (gap <= 30)]
    a, b = pairs["charge_amount_a"], pairs["charge_amount"]
    same = (pairs["procedure_code"] == pairs["procedure_code_a"]).astype("float64")
    pairs = pairs.assign(similarity=0.6 * same + 0.4 * (1.0 - (a - b).abs() / np.maximum(a, b)))
    close = pairs[pairs["similarity"] >= threshold].sort_values(
        ["claim_id", "similarity", "claim_id_a"], ascending=[True, False, True], kind="mergesort"
    )
    best = close.drop_duplicates("claim_id", keep="first")
    return best.set_index("claim_id")[["claim_id_a", "similarity"]]


def _haversine_miles(lat1, lon1, lat2, lon2) -> np.ndarray:
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(v, dtype="float64")) for v in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * 3958.8 * np.arcsin(np.sqrt(a))


def detect(claims: pd.DataFrame, zscore_threshold=3.0, iqr_multiplier=1.5, duplicate_threshold=0.9,
           benford_min_claims=30) -> pd.DataFrame:  # fmt: skip
    out = claims.copy()
    charge = out["charge_amount"]
    by_procedure = out.groupby("procedure_code")["charge_amount"]
    mean, std = by_procedure.transform("mean"), by_procedure.transform("std")
    zero_spread = by_procedure.transform("min") == by_procedure.transform("max")
    out["charge_zscore"] = ((charge - mean) / std).where(~zero_spread & std.notna() & (std != 0), 0.0)
    out["is_zscore_outlier"] = out["charge_zscore"].abs() > zscore_threshold
    q1, q3 = by_procedure.transform(lambda s: s.quantile(0.25)), by_procedure.transform(lambda s: s.quantile(0.75))
    fence = iqr_multiplier * (q3 - q1)
    lower, upper = q1 - fence, q3 + fence
    # On a fence within rounding is not an outlier (the job's FENCE_RELATIVE_SLACK; written out here, independently).
    slack = lambda bound: bound.abs().clip(lower=1.0) * 1e-9  # noqa: E731
    out["is_iqr_outlier"] = (charge < lower - slack(lower)) | (charge > upper + slack(upper))

    profile = provider_profile(out, benford_min_claims)
    out = out.join(profile[["weekend_share", "round_charge_share", "is_benford_flagged"]], on="provider_id")

    exact_key = ["patient_id", "provider_id", "procedure_code", "service_date", "charge_amount"]
    original = out.groupby(exact_key)["claim_id"].transform("min")
    out["is_exact_duplicate"] = out["claim_id"] != original
    near = _near_duplicates(out, duplicate_threshold)
    out["is_near_duplicate"] = out["claim_id"].isin(near.index)
    near_of = out["claim_id"].map(near["claim_id_a"])
    out["duplicate_of"] = original.where(out["is_exact_duplicate"], near_of)
    out["near_duplicate_similarity"] = out["claim_id"].map(near["similarity"])

    per_provider_day = out.groupby(["provider_id", "service_date"])["claim_id"].transform("size")
    per_patient_day = out.groupby(["patient_id", "service_date"])["claim_id"].transform("size")
    weekend = out["service_date"].dt.dayofweek >= 5
    round_charge = (charge > 0) & (np.fmod(charge, 100.0) == 0)
    out["distance_miles"] = _haversine_miles(out["patient_lat"], out["patient_lon"], out["provider_lat"],
                                             out["provider_lon"])  # fmt: skip
    out["rule_provider_daily_volume"] = per_provider_day > 50
    out["rule_patient_daily_volume"] = per_patient_day > 5
    out["rule_weekend_provider"] = weekend & (out["weekend_share"] > 0.30)
    out["rule_round_charge_provider"] = round_charge & (out["round_charge_share"] > 0.20)
    out["rule_long_distance"] = out["distance_miles"] > 500  # NaN (a missing coordinate) compares False
    out["rule_out_of_state"] = out["patient_state"] != out["provider_state"]

    out["rules_triggered"] = out[list(RULES)].sum(axis=1).astype("int32")
    statistical = out[list(STATISTICAL)].sum(axis=1)
    duplicate = (out["is_exact_duplicate"] | out["is_near_duplicate"]).astype(int)
    # Exact arithmetic in 1/120ths: 0.30/6 = 6/120, 0.25/3 = 10/120, 0.45 = 54/120.
    units = 6 * out["rules_triggered"] + 10 * statistical + 54 * duplicate
    out["fraud_score"] = units / 120.0
    out["is_high_risk"] = units > 84
    flags = out[list(REASON_NAMES)].to_numpy()
    names = np.array(list(REASON_NAMES.values()))
    out["fraud_reasons"] = [",".join(names[row]) for row in flags]
    return out.drop(columns=["weekend_share", "round_charge_share"])


def summarize_providers(scored: pd.DataFrame, min_fraud_score: float, benford_min_claims: int) -> pd.DataFrame:
    flagged = (scored["fraud_score"] > 0) & (scored["fraud_score"] >= min_fraud_score)
    grouped = scored.assign(_flagged=flagged).groupby("provider_id")
    summary = pd.DataFrame(
        {
            "claims": grouped.size(),
            "flagged_claims": grouped["_flagged"].sum(),
            "high_risk_claims": grouped["is_high_risk"].sum(),
            "total_charges": grouped["charge_amount"].sum(),
            "mean_fraud_score": grouped["fraud_score"].mean(),
            "max_fraud_score": grouped["fraud_score"].max(),
        }
    )
    summary["flagged_share"] = summary["flagged_claims"] / summary["claims"]
    profile = provider_profile(scored, benford_min_claims).drop(columns="provider_claims")
    return summary.join(profile).reset_index()


def run(input_path, output, min_fraud_score: float = 0.0, **params) -> dict:
    """The whole job: read, cleanse, detect, write the five datasets as parquet; returns the counts."""
    output = Path(output)
    raw = load(sorted(Path(input_path).glob("*.csv")) if Path(input_path).is_dir() else input_path)
    valid, rejected = cleanse(raw)
    scored = detect(valid, **params)
    flagged = scored[(scored["fraud_score"] > 0) & (scored["fraud_score"] >= min_fraud_score)]
    high_risk = scored[scored["is_high_risk"]]
    providers = summarize_providers(scored, min_fraud_score, params.get("benford_min_claims", 30))
    for name, frame in (("scored", scored), ("flagged", flagged), ("high_risk", high_risk),
                        ("provider_summary", providers), ("rejected", rejected)):  # fmt: skip
        (output / name).mkdir(parents=True, exist_ok=True)
        frame.to_parquet(output / name / "part-0.parquet", index=False)
    return {
        "input_rows": len(raw),
        "scored_rows": len(scored),
        "rejected_rows": len(rejected),
        "flagged": len(flagged),
        "high_risk": len(high_risk),
        "exact_duplicates": int(scored["is_exact_duplicate"].sum()),
        "near_duplicates": int(scored["is_near_duplicate"].sum()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--input", required=True, help="a csv file or a directory of csv files")
    parser.add_argument("--output", required=True)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    counts = run(args.input, args.output)
    print(json.dumps({**counts, "seconds": round(time.perf_counter() - started, 2)}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
