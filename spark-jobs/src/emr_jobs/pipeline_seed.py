"""Raw inputs of the pipelines for consecutive days, laid out as the pipelines read them (environments/pipelines.ts),
each day's folder with its _SUCCESS marker: the data a local multi-day run (`pipeline run --local --days N`) needs.

    <data-root>/raw/ohlcv/<D>/bars.csv              financialDaily: 15-minute bars of every symbol during day D
    <data-root>/raw/claims/<D>/claims.csv           claimsDaily: the claims submitted for day D
    <data-root>/raw/tracker/city/<D>/cities.csv     trackerDaily: city counts of day D
    <data-root>/raw/tracker/official/<D>/official.csv          and the official state figures for day D

The bars of all days come from one seeded random walk (emr_jobs.datagen), cut at midnight UTC, so day N continues
day N-1 and a run over days 1..N sees the same bars as N daily runs. Claims and tracker rows reuse their
generators (emr_jobs.fraud.datagen, emr_jobs.tracker.datagen) per day, re-dated to D.

    python -m emr_jobs.pipeline_seed --data-root DIR --start 2026-01-05 --days 3
"""

import argparse
import datetime as dt
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from emr_jobs import datagen
from emr_jobs.fraud import datagen as claims_datagen
from emr_jobs.tracker import datagen as tracker_datagen

BAR_MINUTES = 15
BARS_PER_DAY = 24 * 60 // BAR_MINUTES
MARKER = "_SUCCESS"
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _days(start: dt.date, count: int) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range(count)]


def _mark(folder: Path) -> None:
    (folder / MARKER).write_text("")


def _rows_for(good: int, bad_fraction: float) -> int:
    """The total row count whose good part (datagen rounds the bad part) is exactly `good`."""
    rows = good
    while rows - round(rows * bad_fraction) < good:
        rows += 1
    return rows


def seed_ohlcv(root: Path, days: list[dt.date], symbols: int, seed: int, bad_fraction: float) -> None:
    good = symbols * BARS_PER_DAY * len(days)
    start = dt.datetime.combine(days[0], dt.time(), tzinfo=dt.UTC)
    bars = datagen.generate_bars(
        _rows_for(good, bad_fraction), symbols, seed, "csv", start, BAR_MINUTES, bad_row_fraction=bad_fraction
    ).rows
    # A bad row belongs to the day of its timestamp; one whose timestamp is not a day goes with the row before it.
    stamped = bars["timestamp"].astype("string").str.slice(0, 10)
    valid = stamped.str.match(ISO_DAY.pattern).fillna(False) & stamped.isin([d.isoformat() for d in days])
    day_of_row = stamped.where(valid).ffill().fillna(days[0].isoformat())
    for day in days:
        folder = root / "raw" / "ohlcv" / day.isoformat()
        datagen.write_bars(bars[day_of_row == day.isoformat()], folder / "bars.csv", "csv")
        _mark(folder)


def seed_claims(root: Path, days: list[dt.date], rows: int, seed: int) -> None:
    for offset, day in enumerate(days):
        claims = claims_datagen.generate_claims(rows, seed + offset, "csv", start=day, days=1).rows
        folder = root / "raw" / "claims" / day.isoformat()
        claims_datagen.write_claims(claims, folder / "claims.csv", "csv")
        _mark(folder)


def seed_tracker(root: Path, days: list[dt.date], states: int, seed: int, differences: float) -> None:
    cities_per_state = 10
    for offset, day in enumerate(days):
        generated = tracker_datagen.generate_tracker(
            states * cities_per_state,
            seed + offset,
            states,
            cities_per_state,
            changed_fraction=0.0,
            missing_fraction=0.0,
        )
        first = tracker_datagen.START.isoformat()
        cities = generated.cities.copy()
        cities.loc[cities["date"] == first, "date"] = day.isoformat()
        # The generator's official file also has earlier days only it knows (missing_ours): one day here is one day.
        official = generated.official[generated.official["date"] == first].copy()
        official["date"] = day.isoformat()
        if differences > 0:  # plant differences on a share of the states (the compare gate stops above its limit)
            rng = np.random.default_rng(seed + offset)
            changed = rng.random(len(official)) < differences
            counts = pd.to_numeric(official["cases"], errors="coerce")
            official.loc[changed & counts.notna().to_numpy(), "cases"] = (
                (counts[changed] + 1000).astype("Int64").astype(str)
            )
        city_folder = root / "raw" / "tracker" / "city" / day.isoformat()
        official_folder = root / "raw" / "tracker" / "official" / day.isoformat()
        tracker_datagen.write_table(cities, city_folder / "cities.csv")
        tracker_datagen.write_table(official, official_folder / "official.csv")
        _mark(city_folder)
        _mark(official_folder)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="pipeline_seed", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--data-root", type=Path, required=True, help="the local data bucket (s3://<data bucket>/ → this)"
    )
    parser.add_argument("--start", type=dt.date.fromisoformat, required=True, help="first day, YYYY-MM-DD")
    parser.add_argument("--days", type=int, default=1)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--symbols", type=int, default=4, help="OHLCV symbols (each has 96 bars a day)")
    parser.add_argument("--claims", type=int, default=400, help="claims a day (at least 200)")
    parser.add_argument("--states", type=int, default=10, help="tracker states (10 cities each)")
    parser.add_argument(
        "--ohlcv-bad-fraction", type=float, default=0.02, help="bad bars (the quality gate stops above 0.05)"
    )
    parser.add_argument(
        "--tracker-differences",
        type=float,
        default=0.0,
        help="share of official figures changed (compare stops above 0.05)",
    )
    parser.add_argument(
        "--only", choices=("ohlcv", "claims", "tracker"), action="append", help="seed only these inputs"
    )
    args = parser.parse_args(argv)
    if args.days < 1:
        parser.error("--days must be at least 1")
    days = _days(args.start, args.days)
    only = set(args.only or ("ohlcv", "claims", "tracker"))
    if "ohlcv" in only:
        seed_ohlcv(args.data_root, days, args.symbols, args.seed, args.ohlcv_bad_fraction)
    if "claims" in only:
        seed_claims(args.data_root, days, args.claims, args.seed)
    if "tracker" in only:
        seed_tracker(args.data_root, days, args.states, args.seed, args.tracker_differences)
    print(f"seeded {', '.join(sorted(only))} for {days[0]}..{days[-1]} under {args.data_root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
