"""The stream's arrival picture (streaming.arrival_picture), from bars written as the job writes them
(bars/batch=<id>/ parquet), without Spark."""

import datetime as dt

import pyarrow as pa
import pyarrow.parquet as pq

from emr_jobs.streaming import arrival_picture

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def write_batches(output, batches: dict[int, list[tuple[str, int, float]]]) -> None:
    """(symbol, day, close) rows per batch id, under output/bars/batch=<id>/."""
    start = dt.datetime(2024, 1, 1)
    for batch, rows in batches.items():
        folder = output / "bars" / f"batch={batch}"
        folder.mkdir(parents=True)
        table = pa.table({
            "symbol": [symbol for symbol, _, _ in rows],
            "market": ["NYSE"] * len(rows),
            "timestamp": [start + dt.timedelta(days=day) for _, day, _ in rows],
            "close": [close for _, _, close in rows],
        })  # fmt: skip
        pq.write_table(table, folder / "part-0.parquet")


def test_every_bar_is_a_point_coloured_by_its_batch(tmp_path, capsys):
    write_batches(tmp_path, {1: [("AAA", 0, 10.0), ("BBB", 0, 20.0)], 3: [("AAA", 1, 11.0)], 4: [("AAA", 2, 9.5)]})
    bars = arrival_picture.read_bars(tmp_path)
    assert sorted(bars["batch"].tolist()) == [1, 1, 3, 4]
    png, facts = arrival_picture.draw_arrival(bars)
    assert png.startswith(PNG_SIGNATURE)
    assert facts == arrival_picture.ArrivalFacts(symbols=("AAA", "BBB"), batches=(1, 3, 4), points=4)

    assert arrival_picture.main(["--output", str(tmp_path)]) == 0
    picture = tmp_path / arrival_picture.PICTURE_FILE
    assert picture.read_bytes().startswith(PNG_SIGNATURE)
    assert capsys.readouterr().out.strip().endswith(f"3 micro-batches wrote bars): {picture}")


def test_no_bars_is_one_line_naming_the_fix(tmp_path, capsys):
    assert arrival_picture.main(["--output", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    fix = "fix: run spark-jobs/run-local.sh stream first"
    assert err == [f"arrival_picture: ERROR: no bars under {tmp_path / 'bars'}; {fix}"]
    assert arrival_picture.read_bars(tmp_path).empty
