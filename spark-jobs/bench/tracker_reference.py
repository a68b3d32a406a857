"""Single-process pandas computation of what the aggregate and compare jobs compute, independent of the Spark code.

The benchmark's baseline and a cross-check: same reject reasons in the same priority, same duplicate rule, same
sums, same deltas, tolerances and classes.
"""

from pathlib import Path

import numpy as np
import pandas as pd

METRICS = ("cases", "deaths")
CLASSES = ("equal", "changed", "missing_ours", "missing_theirs")
_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_COUNT = r"[+-]?[0-9]{1,18}"


def load_csv(path: str | Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])


def _trim(column: pd.Series) -> pd.Series:
    text = column.astype("string").str.strip()
    return text.mask(text == "")


def cleanse(raw: pd.DataFrame, text_columns: tuple[str, ...], key: tuple[str, ...]) -> tuple[pd.DataFrame, pd.Series]:
    """Valid typed rows, and every rejected row's reason (first failing check, then duplicates of a key)."""
    text = {c: _trim(raw[c]) if c in raw else pd.Series(pd.NA, index=raw.index, dtype="string") for c in raw}
    date_text, state = text["date"], text["state"]
    date = pd.to_datetime(date_text.where(date_text.str.fullmatch(_DATE).fillna(False)), format="%Y-%m-%d",
                          errors="coerce")  # fmt: skip
    counts = {}
    for metric in METRICS:
        ok = text[metric].str.fullmatch(_COUNT).fillna(False)
        counts[metric] = pd.to_numeric(text[metric].where(ok), errors="coerce")
    checks = [
        ("null_date", date_text.isna()),
        ("null_state", state.isna()),
        ("null_count", text["cases"].isna() | text["deaths"].isna()),
        ("unparsable_date", date.isna()),
        ("unparsable_count", counts["cases"].isna() | counts["deaths"].isna()),
        ("negative_count", (counts["cases"] < 0) | (counts["deaths"] < 0)),
    ]
    conditions = [c.to_numpy(bool, na_value=False) for _, c in checks]
    reason = pd.Series(np.select(conditions, [n for n, _ in checks], default=""), index=raw.index)
    typed = pd.DataFrame({"date": date.dt.date, "state": state, **counts})
    for column in text_columns:
        typed[column] = text.get(column, pd.NA)
    ok = reason == ""
    raw_order = [f"_raw_{c}" for c in raw.columns]
    candidates = typed[ok].assign(**{f"_raw_{c}": raw.loc[ok, c] for c in raw.columns})
    candidates = candidates.sort_values([*METRICS, *raw_order], kind="mergesort", na_position="first")
    duplicate = candidates.duplicated(list(key), keep="first")
    reason[duplicate[duplicate].index] = "duplicate"
    valid = candidates[~duplicate].drop(columns=raw_order)
    return valid.astype({m: "int64" for m in METRICS}), reason[reason != ""]


def aggregate(cities: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    valid, rejected = cleanse(cities, ("city", "code"), ("date", "state", "city", "code"))
    totals = (
        valid.groupby(["date", "state"], sort=True)
        .agg(cases=("cases", "sum"), deaths=("deaths", "sum"), cities=("state", "size"))
        .reset_index()
    )
    return totals, rejected


def compare(ours: pd.DataFrame, theirs: pd.DataFrame, abs_tolerance: float = 0.0, rel_tolerance: float = 0.0):
    """`ours` and `theirs`: valid typed rows keyed (date, state). Every key with deltas and its class."""
    left = ours[["date", "state", *METRICS]].rename(columns={m: f"ours_{m}" for m in METRICS})
    right = theirs[["date", "state", "region", *METRICS]].rename(columns={m: f"theirs_{m}" for m in METRICS})
    merged = left.merge(right, on=["date", "state"], how="outer", indicator=True)
    changed = np.zeros(len(merged), dtype=bool)
    for metric in METRICS:
        o, t = merged[f"ours_{metric}"].astype("float64"), merged[f"theirs_{metric}"].astype("float64")
        delta = o - t
        merged[f"{metric}_delta"] = delta
        merged[f"{metric}_rel_delta"] = np.where(t != 0, delta / t.where(t != 0, 1), np.where(delta == 0, 0.0, np.nan))
        merged.loc[delta.isna(), f"{metric}_rel_delta"] = np.nan
        changed |= (delta.abs() > np.maximum(abs_tolerance, rel_tolerance * t.abs())).fillna(False).to_numpy()
    merged["class"] = np.select(
        [merged["_merge"] == "right_only", merged["_merge"] == "left_only", changed],
        ["missing_ours", "missing_theirs", "changed"],
        default="equal",
    )
    return merged.drop(columns="_merge").sort_values(["date", "state"], kind="mergesort").reset_index(drop=True)


def run(cities_path: str | Path, official_path: str | Path) -> dict:
    totals, rejected = aggregate(load_csv(cities_path))
    theirs, _ = cleanse(load_csv(official_path), ("region",), ("date", "state"))
    compared = compare(totals, theirs)
    return {
        "valid_rows": int(totals["cities"].sum()),
        "rejected_rows": len(rejected),
        "state_days": len(totals),
        "classes": {k: int((compared["class"] == k).sum()) for k in CLASSES},
    }
