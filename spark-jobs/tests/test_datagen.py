"""The generator is deterministic per seed, keeps good bars consistent, and plants what it says it plants."""

import numpy as np
import pandas as pd
import pytest

from emr_jobs.datagen import BAD_ROW_KINDS, TEXT_ONLY_KINDS, generate_bars, main


def test_the_same_seed_gives_the_same_rows_and_another_seed_does_not():
    first, again, other = (generate_bars(rows=300, symbols=3, seed=s).rows for s in (1, 1, 2))
    pd.testing.assert_frame_equal(first, again)
    assert not first.equals(other)


def test_good_bars_are_consistent_and_bad_rows_are_as_planted():
    clean = generate_bars(rows=1100, symbols=4, seed=3, bad_row_fraction=0.0).rows
    numbers = clean[["open", "high", "low", "close", "volume"]].astype(float)
    assert (numbers["low"] > 0).all() and (numbers["volume"] >= 0).all()
    assert (numbers["low"] <= numbers[["open", "close"]].min(axis=1)).all()
    assert (numbers["high"] >= numbers[["open", "close"]].max(axis=1)).all()
    assert not clean.duplicated(["symbol", "timestamp"]).any()
    generated = generate_bars(rows=1100, symbols=4, seed=3, bad_row_fraction=0.02)
    assert len(generated.rows) == 1100 and len(generated.bad_rows) == 22
    assert set(generated.bad_rows["kind"]) == set(BAD_ROW_KINDS)


def test_parquet_data_only_plants_defects_a_typed_file_can_hold():
    kinds = set(generate_bars(rows=1000, symbols=2, seed=4, input_format="parquet").bad_rows["kind"])
    assert kinds == set(BAD_ROW_KINDS) - set(TEXT_ONLY_KINDS)


def test_planted_anomalies_come_after_the_warm_up():
    generated = generate_bars(rows=2000, symbols=2, seed=5, anomaly_fraction=0.01)
    planted = generated.planted_anomalies
    assert len(planted) == 20 and set(planted["anomaly_type"]) <= {"PRICE", "VOLUME", "PRICE_VOLUME"}
    good = generated.rows.dropna(subset=["symbol", "timestamp"])
    first_bar = good[good["timestamp"].str.startswith("2024-0")].groupby("symbol")["timestamp"].min()
    assert (planted["timestamp"].to_numpy() > first_bar[planted["symbol"]].to_numpy()).all()


@pytest.mark.parametrize("output_format", ["csv", "json", "parquet"])
def test_the_cli_writes_each_format(tmp_path, output_format, capsys):
    path = tmp_path / f"bars.{output_format}"
    assert main(["--rows", "120", "--symbols", "2", "--output", str(path), "--format", output_format]) == 0
    reader = {"csv": pd.read_csv, "json": lambda p: pd.read_json(p, lines=True), "parquet": pd.read_parquet}
    frame = reader[output_format](path)
    assert len(frame) == 120 and {"symbol", "close", "volume"} <= set(frame.columns)
    assert np.isfinite(pd.to_numeric(frame["close"], errors="coerce").dropna()).all()
    assert "wrote 120 rows" in capsys.readouterr().err
