"""Seeded case-tracker data: city-level daily rows for the aggregate job and an official state-level file for
compare, with planted bad rows and planted differences whose classes are known.

The official file starts as the exact state totals of the good city rows; then some keys get a planted delta
(changed), some are dropped (missing_theirs: only ours has them) and some dates are added before our first day
(missing_ours). Bad city rows are copies of good ones with one defect, or exact duplicates.

    python -m emr_jobs.tracker.datagen --rows 100000 --seed 7 --cities cities.csv --official official.csv
"""

import argparse
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

STATES = (
    ("SP", "Sudeste"), ("RJ", "Sudeste"), ("MG", "Sudeste"), ("ES", "Sudeste"), ("BA", "Nordeste"), ("PE", "Nordeste"),
    ("CE", "Nordeste"), ("MA", "Nordeste"), ("PB", "Nordeste"), ("RN", "Nordeste"), ("AL", "Nordeste"),
    ("SE", "Nordeste"), ("PI", "Nordeste"), ("RS", "Sul"), ("PR", "Sul"), ("SC", "Sul"), ("GO", "Centro-Oeste"),
    ("MT", "Centro-Oeste"), ("MS", "Centro-Oeste"), ("DF", "Centro-Oeste"), ("AM", "Norte"), ("PA", "Norte"),
    ("RO", "Norte"), ("RR", "Norte"), ("AP", "Norte"), ("AC", "Norte"), ("TO", "Norte"),
)  # fmt: skip
CITY_STEMS = ("São João", "Goiânia", "Maceió", "Itaú", "Açailândia", "Cuiabá", "Niterói", "Belém")
BAD_ROW_KINDS = ("null_state", "null_count", "unparsable_date", "unparsable_count", "negative_count", "duplicate")
START = dt.date(2020, 2, 25)


@dataclass(frozen=True)
class GeneratedTracker:
    cities: pd.DataFrame  # date, state, city, code, cases, deaths as text, shuffled
    official: pd.DataFrame  # date, region, state, cases, deaths as text
    totals: pd.DataFrame  # the true state totals of the good city rows (date, state, cases, deaths, cities)
    expected_classes: dict[tuple[str, str], str]  # (date, state) → class with zero tolerances
    bad_rows: pd.DataFrame  # planted bad city rows with `kind`
    official_bad_rows: int


def generate_tracker(
    rows: int,
    seed: int,
    states: int = len(STATES),
    cities_per_state: int = 20,
    bad_row_fraction: float = 0.01,
    changed_fraction: float = 0.01,
    missing_fraction: float = 0.005,
) -> GeneratedTracker:
    if rows < 1 or not 1 <= states <= len(STATES) or cities_per_state < 1:
        raise ValueError("rows and cities_per_state must be positive, states between 1 and 27")
    rng = np.random.default_rng(seed)
    chosen = STATES[:states]
    city_count = states * cities_per_state
    bad_count = round(rows * bad_row_fraction)
    days = max(1, (rows - bad_count) // city_count)
    city_state = np.repeat(np.arange(states), cities_per_state)
    city_names = [f"{CITY_STEMS[i % len(CITY_STEMS)]} {i}" for i in range(city_count)]
    city_codes = [f"{1100000 + i}" for i in range(city_count)]
    daily = rng.poisson(rng.uniform(0.5, 40, city_count)[:, None], (city_count, days))
    cases = np.cumsum(daily, axis=1)
    deaths = np.cumsum(rng.binomial(daily, 0.02), axis=1)
    dates = np.array([(START + dt.timedelta(days=d)).isoformat() for d in range(days)], dtype=object)
    good = pd.DataFrame(
        {
            "date": np.tile(dates, city_count),
            "state": np.repeat(np.array([s for s, _ in chosen], dtype=object)[city_state], days),
            "city": np.repeat(np.array(city_names, dtype=object), days),
            "code": np.repeat(np.array(city_codes, dtype=object), days),
            "cases": cases.ravel(),
            "deaths": deaths.ravel(),
        }
    )
    totals = (
        good.groupby(["date", "state"], sort=True)
        .agg(cases=("cases", "sum"), deaths=("deaths", "sum"), cities=("city", "size"))
        .reset_index()
    )
    official, expected, official_bad = _official(rng, totals, dict(chosen), changed_fraction, missing_fraction)
    text = good.astype({"cases": str, "deaths": str})
    bad = _bad_rows(rng, text, bad_count)
    combined = pd.concat([text, bad.drop(columns="kind")], ignore_index=True)
    shuffled = combined.iloc[rng.permutation(len(combined))].reset_index(drop=True)
    return GeneratedTracker(shuffled, official, totals, expected, bad, official_bad)


def _bad_rows(rng: np.random.Generator, good: pd.DataFrame, count: int) -> pd.DataFrame:
    if count == 0:
        return good[:0].assign(kind=[])
    bad = good.iloc[rng.choice(len(good), size=count, replace=False)].copy().reset_index(drop=True)
    bad["kind"] = [BAD_ROW_KINDS[i % len(BAD_ROW_KINDS)] for i in range(count)]
    for kind, column, value in (
        ("null_state", "state", None),
        ("null_count", "deaths", None),
        ("unparsable_date", "date", "2021-02-30"),
        ("unparsable_count", "cases", "12k"),
        ("negative_count", "cases", "-3"),
    ):
        bad.loc[bad["kind"] == kind, column] = value
    return bad  # "duplicate" rows stay exact copies


def _official(rng, totals, regions, changed_fraction, missing_fraction):
    official = totals.drop(columns="cities").copy()
    official.insert(1, "region", official["state"].map(regions))
    expected = dict.fromkeys(zip(official["date"], official["state"], strict=True), "equal")
    changed = rng.random(len(official)) < changed_fraction
    delta = rng.integers(1, 500, len(official)) * rng.choice([-1, 1], len(official))
    official.loc[changed, "cases"] = np.maximum(0, official.loc[changed, "cases"] + delta[changed])
    for key, was_changed, old, new in zip(
        expected, changed, totals["cases"], official["cases"], strict=True
    ):  # a clipped delta may come out as zero
        if was_changed and old != new:
            expected[key] = "changed"
    dropped = rng.random(len(official)) < missing_fraction
    for key in zip(official.loc[dropped, "date"], official.loc[dropped, "state"], strict=True):
        expected[key] = "missing_theirs"
    official = official[~dropped]
    extra_days = max(1, round(len(totals) * missing_fraction / max(1, totals["state"].nunique())))
    extra = []
    for offset in range(1, extra_days + 1):
        day = (START - dt.timedelta(days=offset)).isoformat()
        for state, region in regions.items():
            extra.append({"date": day, "region": region, "state": state, "cases": 0, "deaths": 0})
            expected[(day, state)] = "missing_ours"
    official = pd.concat([official, pd.DataFrame(extra)], ignore_index=True).astype({"cases": str, "deaths": str})
    # Two bad official rows: an unparsable count and a duplicate key (a second copy of the first row).
    bad = pd.DataFrame([{**official.iloc[0].to_dict(), "cases": "n/a"}, official.iloc[0].to_dict()])
    return pd.concat([official, bad], ignore_index=True), expected, len(bad)


def write_table(frame: pd.DataFrame, path: str | Path) -> None:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(target, index=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tracker-datagen", description=__doc__)
    parser.add_argument("--rows", type=int, required=True, help="city rows, bad rows included")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--states", type=int, default=len(STATES))
    parser.add_argument("--cities-per-state", type=int, default=20)
    parser.add_argument("--cities", required=True, help="csv file for the city-level rows")
    parser.add_argument("--official", required=True, help="csv file for the official state-level rows")
    args = parser.parse_args(argv)
    generated = generate_tracker(args.rows, args.seed, args.states, args.cities_per_state)
    write_table(generated.cities, args.cities)
    write_table(generated.official, args.official)
    classes = pd.Series(generated.expected_classes).value_counts().to_dict()
    print(
        f"tracker-datagen: wrote {len(generated.cities)} city rows ({len(generated.bad_rows)} bad) to {args.cities} "
        f"and {len(generated.official)} official rows ({generated.official_bad_rows} bad) to {args.official}; "
        f"planted classes {classes}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
