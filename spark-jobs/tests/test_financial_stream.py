"""financial_stream on local Spark with the file source: the same bars and indicators as the batch job, exactly
once across a crash and restart, late and bad ticks in rejected/, the progress record, the graceful stop.
Tiny data (2 symbols x 1-minute bars, a few files = a few micro-batches) keeps it short."""

import contextlib
import datetime as dt
import io
import json
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from table_agreement import assert_table_agrees

from emr_jobs.jobs import financial_data_processor, financial_stream
from emr_jobs.streaming.batch_output import BARS, REJECTED_DATASET
from emr_jobs.streaming.progress import LATEST, PROGRESS_DATASET, percentile
from emr_jobs.streaming.summary import StreamSummary
from emr_jobs.streaming.symbol_bars import SymbolBars
from emr_jobs.streaming.tables import TABLES as STREAM_TABLES
from emr_jobs.streaming.tick_replay import tick_lines, write_tick_files

BAR_SECONDS, WATERMARK_SECONDS = 60, 120
BARS_PER_SYMBOL, BARS_PER_FILE = 120, 30  # four files: four micro-batches
SPIKE = 45  # the bar with a volume spike: it closes in batch 2
START = dt.datetime(2024, 3, 1, 9, 30, tzinfo=dt.UTC)
INDICATOR_COLUMNS = ("ema_12", "ema_26", "rsi", "price_change_pct", "sma_20", "sma_50", "bb_upper", "bb_lower",
                     "volatility_20", "return_zscore", "volume_zscore")  # fmt: skip
LABEL_COLUMNS = ("trend_short", "trend_long", "ma_crossover", "rsi_signal", "anomaly_type", "risk_level")


def source_bars() -> pd.DataFrame:
    """Two symbols of 1-minute bars, interleaved in time, with one volume spike for an anomaly."""
    frames = []
    for index, (symbol, market) in enumerate((("AAA", "NYSE"), ("BBB", "NASDAQ"))):
        rng = np.random.default_rng(7 + index)
        closes = 100 * np.exp(np.cumsum(rng.normal(0, 0.004, BARS_PER_SYMBOL)))
        opens = np.concatenate([[closes[0]], closes[:-1]])
        volumes = 1000.0 + rng.integers(0, 50, BARS_PER_SYMBOL)
        volumes[SPIKE] = 90_000.0
        frames.append(pd.DataFrame({
            "symbol": symbol, "market": market,
            "timestamp": [START + dt.timedelta(seconds=BAR_SECONDS * i) for i in range(BARS_PER_SYMBOL)],
            "open": opens, "high": np.maximum(opens, closes) * 1.002, "low": np.minimum(opens, closes) * 0.998,
            "close": closes, "volume": volumes,
        }))  # fmt: skip
    return pd.concat(frames).sort_values(["timestamp", "symbol"], kind="mergesort").reset_index(drop=True)


def write_ticks(directory: Path) -> None:
    lines = tick_lines(source_bars(), BAR_SECONDS)
    write_tick_files(lines, directory, lines_per_file=2 * 4 * BARS_PER_FILE)  # 2 symbols x 4 ticks a bar


def stream_args(ticks: Path, out: Path, *extra: str) -> list[str]:
    return ["--source", "files", "--input", str(ticks), "--output", str(out / "output"),
            "--checkpoint", str(out / "checkpoint"), "--bar-seconds", str(BAR_SECONDS),
            "--watermark-seconds", str(WATERMARK_SECONDS), *extra]  # fmt: skip


def run_stream(args: list[str]) -> tuple[int, str]:
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        code = financial_stream.main(args)
    return code, stdout.getvalue()


def read_bars(spark, output: Path) -> pd.DataFrame:
    frame = spark.read.parquet(str(output / BARS)).toPandas()
    return frame.sort_values(["symbol", "timestamp"], kind="mergesort").reset_index(drop=True)


@pytest.fixture(scope="module")
def replay(spark, tmp_path_factory):
    """One uninterrupted available-now run over the tick files."""
    root = tmp_path_factory.mktemp("stream")
    write_ticks(root / "ticks")
    code, stdout = run_stream(stream_args(root / "ticks", root, "--available-now"))
    assert code == 0, stdout
    return {"root": root, "stdout": stdout, "bars": read_bars(spark, root / "output")}


def test_bars_are_the_ohlcv_of_their_ticks_and_only_the_newest_stay_open(replay):
    bars, expected = replay["bars"], source_bars()
    expected["timestamp"] = expected["timestamp"].dt.tz_localize(None)
    merged = bars.merge(expected, on=["symbol", "timestamp"], suffixes=("", "_expected"), validate="1:1")
    assert len(merged) == len(bars)
    for column in ("open", "high", "low", "close", "volume"):
        np.testing.assert_allclose(merged[column], merged[f"{column}_expected"], rtol=1e-12, err_msg=column)
    per_symbol = bars.groupby("symbol")["timestamp"].agg(["count", "max"])
    # Each symbol's bars are a prefix of its source bars: only those the last file's watermark left open remain.
    assert (per_symbol["count"] >= BARS_PER_SYMBOL - BARS_PER_FILE - WATERMARK_SECONDS // BAR_SECONDS - 1).all()
    assert (per_symbol["count"] < BARS_PER_SYMBOL).all()
    assert not bars.duplicated(["symbol", "timestamp"]).any()


def test_indicators_equal_the_batch_jobs_on_the_same_bars(spark, replay, tmp_path):
    bars = replay["bars"]
    bars_file = tmp_path / "bars.parquet"
    ohlcv = bars[["symbol", "market", "timestamp", "open", "high", "low", "close", "volume"]]
    spark.createDataFrame(ohlcv).write.parquet(str(bars_file))
    with contextlib.redirect_stdout(io.StringIO()):
        code = financial_data_processor.main(["--input", str(bars_file), "--input-format", "parquet",
                                              "--output", str(tmp_path / "batch"), "--no-picture"])  # fmt: skip
    assert code == 0
    batch = spark.read.parquet(str(tmp_path / "batch" / "indicators")).toPandas()
    batch = batch.sort_values(["symbol", "timestamp"], kind="mergesort").reset_index(drop=True)
    assert len(batch) == len(bars)
    assert batch["timestamp"].tolist() == bars["timestamp"].tolist()
    for column in INDICATOR_COLUMNS:
        assert bars[column].notna().any(), column
        np.testing.assert_allclose(bars[column], batch[column], rtol=0, atol=1e-9, equal_nan=True, err_msg=column)
    for column in LABEL_COLUMNS:
        assert bars[column].tolist() == batch[column].tolist(), column
    assert (bars["anomaly_type"] == "VOLUME").any()


def test_each_batch_writes_a_progress_record(replay):
    progress = sorted((replay["root"] / "output" / PROGRESS_DATASET).glob("batch=*.json"))
    records = [json.loads(path.read_text()) for path in progress]
    assert len(records) >= BARS_PER_SYMBOL // BARS_PER_FILE
    assert sum(record["input_rows"] for record in records) == 2 * 4 * BARS_PER_SYMBOL
    last_with_bars = [record for record in records if record["bars"]][-1]
    assert last_with_bars["watermark"].endswith("Z")
    assert last_with_bars["latency_ms"]["p95"] >= last_with_bars["latency_ms"]["p50"] >= 0
    assert last_with_bars["rows_per_second"] > 0
    assert "micro-batches" in replay["stdout"]
    latest = json.loads((replay["root"] / "output" / PROGRESS_DATASET / LATEST).read_text())
    assert latest == max(records, key=lambda record: record["batch_id"])


def shape(value):
    """A JSON value's structure: dict keys with their shapes, else the type (None stands for a nullable number)."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()} if value else dict
    return float if isinstance(value, int | float) and not isinstance(value, bool) else type(value)


def test_progress_records_keep_the_shape_the_cli_parses(replay):
    """fixtures/progress_record.json is a record this job wrote; test/scripts/stream-progress.test.ts parses it with
    the CLI's parser. A change to the record's fields fails here until the fixture (and so the CLI's test) follows."""
    fixture = json.loads((Path(__file__).parent / "fixtures" / "progress_record.json").read_text())
    records = [json.loads(p.read_text()) for p in (replay["root"] / "output" / PROGRESS_DATASET).glob("batch=*.json")]
    with_bars = [record for record in records if record["bars"]]
    assert with_bars
    for record in with_bars:
        assert shape({**record, "rejected_by_reason": {}}) == shape({**fixture, "rejected_by_reason": {}})


class CrashAfter(StreamSummary):
    """Fails the query inside the given batch, after its files are written and before Spark commits it."""

    def __init__(self, batch_id: int):
        super().__init__()
        self.batch_id = batch_id

    def add(self, record: dict) -> None:
        super().add(record)
        if record["batch_id"] == self.batch_id:
            raise RuntimeError("simulated crash")


def test_a_crash_and_restart_from_the_checkpoint_loses_and_doubles_no_bar_nor_alert(spark, replay, tmp_path):
    write_ticks(tmp_path / "ticks")
    args = financial_stream.parse_args(stream_args(tmp_path / "ticks", tmp_path, "--available-now"))
    published: list[tuple[str, str]] = []

    def publish(subject: str, message: str) -> None:  # stands in for SNS
        published.append((subject, message))

    query = financial_stream.start_query(spark, args, CrashAfter(batch_id=2).add, publish)
    with pytest.raises(Exception, match="simulated crash"):
        query.awaitTermination()
    before = read_bars(spark, tmp_path / "output")
    assert 0 < len(before) < len(replay["bars"])
    assert published_keys(published) == anomaly_keys(before)  # batch 2's sent before the crash

    financial_stream.start_query(spark, args, StreamSummary().add, publish).awaitTermination()
    after = read_bars(spark, tmp_path / "output")
    assert not after.duplicated(["symbol", "timestamp"]).any()
    pd.testing.assert_frame_equal(after, replay["bars"])
    keys = [(json.loads(message)["symbol"], json.loads(message)["timestamp_us"]) for _, message in published]
    assert len(keys) == len(set(keys))  # batch 2 replayed: its alerts were not sent again
    assert published_keys(published) == anomaly_keys(after)
    assert {"AAA", "BBB"} <= {symbol for symbol, _ in published_keys(published)}  # the planted spikes


def published_keys(published: list[tuple[str, str]]) -> set[tuple[str, int]]:
    return {(json.loads(m)["symbol"], int(json.loads(m)["timestamp_us"])) for _, m in published}


def anomaly_keys(bars: pd.DataFrame) -> set[tuple[str, int]]:
    found = bars[bars["anomaly_type"].notna()]
    micros = found["timestamp"].astype("datetime64[us]").astype("int64")
    return set(zip(found["symbol"], micros.astype(int), strict=True))


@pytest.fixture(scope="module")
def rejecting_run(tmp_path_factory):
    """A run over on-time ticks, then one late tick and four bad ones."""
    root = tmp_path_factory.mktemp("rejecting")
    ticks = root / "ticks"
    on_time = [{"symbol": "AAA", "market": "NYSE", "ts": (START + dt.timedelta(minutes=m)).isoformat(),
                "price": 100 + m, "volume": 10} for m in range(10)]  # fmt: skip
    late = {"symbol": "AAA", "market": "NYSE", "ts": (START + dt.timedelta(minutes=1)).isoformat(), "price": 1e6,
            "volume": 5}  # fmt: skip
    later = {**late, "ts": (START + dt.timedelta(minutes=12)).isoformat(), "price": 111}
    bad = [
        '{"symbol": "AAA", "market"',
        json.dumps({**late, "price": "abc"}),
        json.dumps({**late, "price": -3}),
        json.dumps({**late, "symbol": None}),
    ]
    write_tick_files([json.dumps(t) for t in on_time], ticks, lines_per_file=100)
    (ticks / "ticks-00001.jsonl").write_text("\n".join([json.dumps(late), json.dumps(later), *bad]) + "\n")
    code, stdout = run_stream(stream_args(ticks, root, "--available-now"))
    assert code == 0, stdout
    return {"root": root, "stdout": stdout}


def test_bad_and_late_ticks_go_to_rejected_with_their_reason(spark, rejecting_run):
    output = rejecting_run["root"] / "output"
    rejected = spark.read.parquet(str(output / "rejected")).toPandas()
    assert sorted(rejected["reject_reason"]) == sorted(
        ["late", "malformed_record", "unparsable_price", "non_positive_price", "null_symbol"]
    )
    assert rejected.loc[rejected["reject_reason"] == "late", "price"].tolist() == ["1000000.0"]
    bars = read_bars(spark, output)
    assert bars["high"].max() < 1e6  # the late tick changed no bar
    assert "late 1" in rejecting_run["stdout"]


@pytest.mark.parametrize("table", STREAM_TABLES, ids=lambda table: table.name)
def test_each_dataset_is_written_as_its_table_declares(replay, rejecting_run, table):
    # The replay has no rejected tick; the rejecting run has no anomaly: each dataset from the run that writes it.
    run = rejecting_run if table.dataset == REJECTED_DATASET else replay
    assert_table_agrees(table, run["root"] / "output")


def test_the_stop_marker_ends_a_running_stream_after_its_batch(spark, tmp_path):
    write_ticks(tmp_path / "ticks")
    marker = tmp_path / "STOP"
    result = {}
    args = stream_args(tmp_path / "ticks", tmp_path, "--trigger-seconds", "1", "--stop-marker", str(marker))
    thread = threading.Thread(target=lambda: result.update(zip(("code", "stdout"), run_stream(args), strict=True)))
    thread.start()
    progress = tmp_path / "output" / PROGRESS_DATASET
    deadline = time.monotonic() + 120
    while not list(progress.glob("batch=*.json")) and time.monotonic() < deadline:
        time.sleep(0.5)
    marker.write_text("stop\n")
    thread.join(timeout=120)
    assert not thread.is_alive()
    assert result["code"] == 0
    assert "stop marker" in result["stdout"]
    assert not marker.exists()  # deleted, so the next start is not stopped at once
    commits = {p.name for p in (tmp_path / "checkpoint" / "commits").iterdir() if p.name.isdigit()}
    offsets = {p.name for p in (tmp_path / "checkpoint" / "offsets").iterdir() if p.name.isdigit()}
    assert commits and offsets - commits <= {max(offsets, key=int)}


def ticks_frame(rows: list[tuple[int, float, float]], first_arrival_ms: int = 0) -> pd.DataFrame:
    ts_us, prices, volumes = zip(*rows, strict=True)
    arrivals = range(first_arrival_ms, first_arrival_ms + len(rows))
    return pd.DataFrame({"ts_us": ts_us, "price": prices, "volume": volumes, "arrival_ms": arrivals, "market": "X"})


def test_a_bar_built_over_two_batches_and_a_state_round_trip_equals_the_bar_of_one_batch():
    bar_us = 60_000_000
    # Two ticks share the bar's first instant and two its last: the first-arrived opens, the last-arrived closes.
    rows = [(0, 10.0, 1.0), (20_000_000, 14.0, 2.0), (0, 11.0, 1.0), (50_000_000, 9.0, 1.0), (50_000_000, 12.0, 3.0)]
    whole = SymbolBars()
    whole.add_ticks(ticks_frame(rows), bar_us)
    split = SymbolBars()
    split.add_ticks(ticks_frame(rows[:2]), bar_us)
    split = SymbolBars.from_json(split.to_json())
    split.add_ticks(ticks_frame(rows[2:], first_arrival_ms=2), bar_us)
    assert split.open_bars == whole.open_bars
    closed = split.close_bars(watermark_us=bar_us, bar_us=bar_us)
    assert closed[["open", "high", "low", "close", "volume", "ticks"]].values.tolist() == [[10, 14, 9, 12, 8, 5]]
    assert split.open_bars == {}


def test_a_bar_stays_open_until_the_watermark_reaches_its_end():
    bars = SymbolBars()
    bars.add_ticks(ticks_frame([(0, 1.0, 1.0), (60_000_000, 2.0, 1.0)]), 60_000_000)
    assert bars.close_bars(watermark_us=59_999_999, bar_us=60_000_000).empty
    assert bars.close_bars(watermark_us=60_000_000, bar_us=60_000_000)["timestamp"].tolist() == [0]
    assert list(bars.open_bars) == [60_000_000]


def test_latency_percentiles_interpolate_and_are_none_without_bars():
    assert percentile([10.0, 20.0, 30.0, 40.0], 0.5) == 25.0
    assert percentile([], 0.95) is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--source", "files"], "--source files needs --input DIR"),
        (["--source", "kinesis", "--region", "eu-west-1"], "--source kinesis needs --stream-name"),
        (["--source", "kinesis", "--stream-name", "t", "--region", "r", "--available-now"],
         "--available-now works with --source files only"),
        (["--source", "files", "--input", "{tmp}", "--bar-seconds", "0"], "--bar-seconds: expected a positive integer"),
        (["--source", "files", "--input", "{tmp}/missing"], "--input {tmp}/missing not found"),
        (["--source", "files", "--input", "{tmp}", "--output", "{tmp}/out"], "--output {tmp}/out lies inside --input"),
        (["--source", "files", "--input", "{tmp}", "--checkpoint", "{tmp}"],
         "--checkpoint {tmp} is the same path as --input"),
    ],
)  # fmt: skip
def test_bad_arguments_end_in_one_line_naming_the_fix(spark, tmp_path, capsys, args, message):
    defaults = {"--output": str(tmp_path.parent / "out"), "--checkpoint": str(tmp_path.parent / "checkpoint")}
    given = [arg.format(tmp=tmp_path) for arg in args]
    for flag, value in defaults.items():
        if flag not in given:
            given += [flag, value]
    assert financial_stream.main(given) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("financial_stream: ERROR: ")
    assert message.format(tmp=tmp_path) in err[0]


def test_kinesis_without_the_connector_says_so_in_one_line(tmp_path, capsys):
    code = financial_stream.main(["--source", "kinesis", "--stream-name", "ticks", "--region", "eu-west-1",
                                  "--output", str(tmp_path / "o"), "--checkpoint", str(tmp_path / "c")])  # fmt: skip
    assert code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"financial_stream: ERROR: {financial_stream_connector_message()}"]


def financial_stream_connector_message() -> str:
    from emr_jobs.streaming.sources import CONNECTOR_MISSING

    return CONNECTOR_MISSING
