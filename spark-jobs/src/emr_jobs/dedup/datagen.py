"""Seeded change-log generator for the dedup job, with planted winners, ties, exact duplicates and bad rows.

Each key (customer_id, region) gets one or more versions; the planted winner has the latest `updated_at`, except
for planted ties: a runner-up whose `updated_at` names the winner's instant in another zone (+02:00) and whose
`source` sorts after the winner's, so `--tie-break source` decides for the winner. Exact duplicate rows (same
event_id) and bad rows (copies of good rows with one defect) are scattered; some keys are non-ASCII.

    python -m emr_jobs.dedup.datagen --rows 100000 --seed 7 --output events.csv
"""

import argparse
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

COLUMNS = ("event_id", "customer_id", "region", "updated_at", "source", "amount")
KEYS = ("customer_id", "region")
REGIONS = ("north", "south", "São Paulo", "Zürich", "東京")
SOURCES = ("api", "batch", "crm", "web")
BAD_ROW_KINDS = ("null_key", "null_id", "null_order", "unparsable_order")
START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
JOB_ARGS = (
    "--keys",
    "customer_id,region",
    "--order-by",
    "updated_at",
    "--tie-break",
    "source",
    "--id-column",
    "event_id",
)


@dataclass(frozen=True)
class GeneratedEvents:
    rows: pd.DataFrame  # every column as text (None for null), shuffled
    winners: pd.DataFrame  # customer_id, region, event_id: the planted latest_timestamp winner per key
    bad_rows: pd.DataFrame  # the planted bad rows with their `kind`
    duplicate_rows: int
    tie_keys: int


def _stamp(seconds: np.ndarray, offset_hours: int = 0) -> np.ndarray:
    times = pd.to_datetime(START) + pd.to_timedelta(seconds + offset_hours * 3600, unit="s")
    suffix = "Z" if offset_hours == 0 else f"+{offset_hours:02d}:00"
    return (times.strftime("%Y-%m-%dT%H:%M:%S") + suffix).to_numpy()


def generate_events(
    rows: int, seed: int, bad_row_fraction: float = 0.02, duplicate_fraction: float = 0.01, tie_fraction: float = 0.05
) -> GeneratedEvents:
    if rows < 1:
        raise ValueError("rows must be positive")
    rng = np.random.default_rng(seed)
    bad_count = round(rows * bad_row_fraction)
    duplicate_count = round(rows * duplicate_fraction)
    good_count = max(1, rows - bad_count - duplicate_count)
    key_count = max(1, good_count // 3)
    key = rng.integers(0, key_count, good_count)
    customer = np.where(key % 7 == 0, np.char.add("顧客-", key.astype(str)), np.char.add("C", key.astype(str)))
    offsets = rng.permutation(good_count).astype(np.int64) * 37  # distinct instants
    good = pd.DataFrame(
        {
            "event_id": np.char.add("E", np.char.zfill(np.arange(good_count).astype(str), 8)),
            "customer_id": customer,
            "region": np.asarray(REGIONS, dtype=object)[key % len(REGIONS)],
            "_key": key,
            "_offset": offsets,
            "source": np.asarray(SOURCES, dtype=object)[rng.integers(0, len(SOURCES), good_count)],
            "amount": np.char.mod("%.2f", rng.uniform(1, 1000, good_count)),
        }
    )
    ranked = good.sort_values(["_key", "_offset"], ascending=[True, False], kind="mergesort")
    winner_index = ranked.groupby("_key", sort=False).head(1).index
    runner_up = ranked.groupby("_key", sort=False).nth(1)
    tie_index = runner_up.index[rng.random(len(runner_up)) < tie_fraction]
    good["updated_at"] = _stamp(good["_offset"].to_numpy())
    winner_of_key = good.loc[winner_index].set_index("_key")
    tied_winner = winner_of_key.loc[good.loc[tie_index, "_key"]]
    good.loc[tie_index, "updated_at"] = _stamp(tied_winner["_offset"].to_numpy(), offset_hours=2)
    good.loc[tie_index, "source"] = "web"
    tied_keys = good.loc[tie_index, "_key"]
    good.loc[winner_index.intersection(good.index[good["_key"].isin(tied_keys)]), "source"] = "api"
    good = good.drop(columns=["_key", "_offset"])[list(COLUMNS)]
    winners = good.loc[winner_index, [*KEYS, "event_id"]].reset_index(drop=True)

    duplicates = good.iloc[rng.choice(good_count, size=duplicate_count, replace=True)] if duplicate_count else good[:0]
    bad = good.iloc[rng.choice(good_count, size=bad_count, replace=True)].copy().reset_index(drop=True)
    bad["kind"] = [BAD_ROW_KINDS[i % len(BAD_ROW_KINDS)] for i in range(bad_count)]
    for kind, column, value in (
        ("null_key", "customer_id", None),
        ("null_id", "event_id", None),
        ("null_order", "updated_at", None),
        ("unparsable_order", "updated_at", "2024-13-01T00:00:00Z"),
    ):
        bad.loc[bad["kind"] == kind, column] = value
    combined = pd.concat([good, duplicates, bad.drop(columns="kind")], ignore_index=True)
    shuffled = combined.iloc[rng.permutation(len(combined))].reset_index(drop=True)
    return GeneratedEvents(shuffled, winners, bad, duplicate_count, len(tie_index))


def write_events(rows: pd.DataFrame, path: str | Path, output_format: str = "csv") -> None:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if output_format == "csv":
        rows.to_csv(target, index=False)
    elif output_format == "json":
        rows.to_json(target, orient="records", lines=True, force_ascii=False)
    else:
        rows.astype("string").to_parquet(target, index=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dedup-datagen", description=__doc__)
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--output", required=True)
    parser.add_argument("--format", choices=("csv", "json", "parquet"), default="csv")
    args = parser.parse_args(argv)
    generated = generate_events(args.rows, args.seed)
    write_events(generated.rows, args.output, args.format)
    print(
        f"dedup-datagen: wrote {len(generated.rows)} rows ({len(generated.bad_rows)} bad, "
        f"{generated.duplicate_rows} exact duplicates, {generated.tie_keys} tied keys, "
        f"{len(generated.winners)} keys) to {args.output}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
