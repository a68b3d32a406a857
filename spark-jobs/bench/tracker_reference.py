"""Single-process pandas computation of what the aggregate and compare jobs compute, independent of the Spark code.

The benchmark's baseline and a cross-check: the same documented rules (README, "aggregate and compare") written
again in plain Python: same reject reasons in the same priority, same duplicate rule (identical copies keep one,
rows of a key that disagree are all `conflicting_duplicate`), same exact sums, same deltas, tolerances and classes.
"""

import calendar
import datetime as dt
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

METRICS = ("cases", "deaths")
CLASSES = ("equal", "changed", "missing_ours", "missing_theirs")
CITY_FIELDS = ("date", "state", "city", "code", "cases", "deaths")
STATE_FIELDS = ("date", "region", "state", "cases", "deaths")
REQUIRED = ("date", "state", "cases", "deaths")
LABELS = {"cases": "count", "deaths": "count"}  # reasons are named by label: null_count, unparsable_count
FIRST_DAY = (1900, 1, 1)
LONGEST = 2**63 - 1  # the largest bigint, the type of state_daily's cases and deaths
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_WHOLE = re.compile(r"([+-]?[0-9]{1,18})(?:\.0+)?")
_WHOLE_EXPONENT = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?[eE][+]?[0-9]{1,2}")  # 1.0E7: a whole double as Spark prints it
# Stripped at both ends: ASCII whitespace, every Unicode separator (Z*), NEL and the zero-width characters.
_EDGE_CHARACTERS = "".join(
    [" \t\n\x0b\f\r\x85\u200b\u200c\u200d\u2060\ufeff"]
    + [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)).startswith("Z")]
)


def load_csv(path: str | Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])


def _clean(value) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip(_EDGE_CHARACTERS)
    return text or None


def _invisible(text: str) -> bool:
    return any(unicodedata.category(c) in ("Cc", "Cf") for c in text)


def _date(text: str) -> tuple[str | None, dt.date | None]:
    """(reason, value): unparsable when not YYYY-MM-DD or not a real day, out_of_range outside 1900-01-01..tomorrow."""
    match = _DATE.fullmatch(text)
    if not match:
        return "unparsable", None
    year, month, day = (int(part) for part in match.groups())
    leap = calendar.isleap(year) if year else True  # year 0 is a leap year in the proleptic calendar
    days = 29 if month == 2 and leap else calendar.monthrange(2001, month)[1] if 1 <= month <= 12 else 0
    if not 1 <= day <= days:
        return "unparsable", None
    last = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
    if (year, month, day) < FIRST_DAY or (year, month, day) > (last.year, last.month, last.day):
        return "out_of_range", None
    return None, dt.date(year, month, day)


def _whole(text: str) -> int | None:
    """At most 18 digits (optionally `.0`), or an exponent form whose value is whole and below 1e18."""
    match = _WHOLE.fullmatch(text)
    if match:
        return int(match.group(1))
    if _WHOLE_EXPONENT.fullmatch(text):
        number = float(text)
        if number.is_integer() and abs(number) < 1e18:
            return int(number)
    return None


def _row(raw: dict, fields: tuple[str, ...]) -> tuple[str | None, dict]:
    """One row's first failing reason (None when valid) and its typed values. Priority: null (fields in order),
    unparsable (fields in order), out_of_range, negative_count."""
    text = {name: _clean(raw.get(name)) for name in fields}
    nulls = [f"null_{LABELS.get(name, name)}" for name in fields if name in REQUIRED and text[name] is None]
    typed, unparsable, out_of_range = dict.fromkeys(fields), [], []
    for name in (name for name in fields if text[name] is not None):
        value, label = text[name], LABELS.get(name, name)
        if name == "date":
            problem, typed[name] = _date(value)
            (unparsable if problem == "unparsable" else out_of_range).extend([f"{problem}_date"] if problem else [])
        elif name in METRICS:
            typed[name] = _whole(value)
            unparsable.extend([] if typed[name] is not None else [f"unparsable_{label}"])
        elif _invisible(value):
            unparsable.append(f"unparsable_{label}")
        else:
            typed[name] = value.upper() if name == "state" else value
    counts = [typed[metric] for metric in METRICS]
    negative = ["negative_count"] if None not in counts and min(counts) < 0 else []
    reasons = nulls + unparsable + out_of_range + negative
    return (reasons[0], {}) if reasons else (None, typed)


def cleanse(raw: pd.DataFrame, fields: tuple[str, ...], key: tuple[str, ...]) -> tuple[pd.DataFrame, pd.Series]:
    """Valid typed rows, and every rejected row's reason (first failing check, then duplicates of a key)."""
    reasons, rows = {}, {}
    for index, record in zip(raw.index, raw.to_dict("records"), strict=True):
        reason, typed = _row(record, fields)
        if reason:
            reasons[index] = reason
        else:
            rows[index] = typed
    versions = defaultdict(set)  # key -> the distinct valid rows that have it
    for typed in rows.values():
        versions[tuple(typed[name] for name in key)].add(tuple(typed[name] for name in fields))
    kept, seen = {}, set()
    for index, typed in rows.items():
        row_key = tuple(typed[name] for name in key)
        if len(versions[row_key]) > 1:
            reasons[index] = "conflicting_duplicate"  # the rows disagree: none is trusted
        elif row_key in seen:
            reasons[index] = "duplicate"
        else:
            seen.add(row_key)
            kept[index] = typed
    valid = pd.DataFrame.from_dict(kept, orient="index", columns=list(fields))
    rejected = pd.Series(reasons, dtype=object).sort_index()
    return valid.astype({m: "int64" for m in METRICS}), rejected


def aggregate(cities: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    valid, rejected = cleanse(cities, CITY_FIELDS, ("date", "state", "city", "code"))
    exact = valid.astype({m: object for m in METRICS})  # Python ints: an int64 sum would wrap silently
    totals = (
        exact.groupby(["date", "state"], sort=True)
        .agg(cases=("cases", "sum"), deaths=("deaths", "sum"), cities=("state", "size"))
        .reset_index()
    )
    for metric in METRICS:
        too_large = totals[totals[metric] > LONGEST]
        if len(too_large):
            first = too_large.iloc[0]
            raise ValueError(f"the {metric} total of state {first['state']} on {first['date']} is beyond a bigint")
    return totals.astype({m: "int64" for m in METRICS}), rejected


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
    theirs, _ = cleanse(load_csv(official_path), STATE_FIELDS, ("date", "state"))
    compared = compare(totals, theirs)
    return {
        "valid_rows": int(totals["cities"].sum()),
        "rejected_rows": len(rejected),
        "state_days": len(totals),
        "classes": {k: int((compared["class"] == k).sum()) for k in CLASSES},
    }
