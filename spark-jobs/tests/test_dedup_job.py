"""The dedup job end to end on generated data: planted winners, superseded pointers, rejects, conservation,
determinism under shuffled input and partitioning, and agreement with the independent pandas reference."""

import json
from pathlib import Path

import pandas as pd
import pytest
from dedup_support import load_reference, read, run
from table_agreement import assert_table_agrees

from emr_jobs.dedup.datagen import JOB_ARGS, generate_events, write_events
from emr_jobs.dedup.tables import TABLES


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    root = tmp_path_factory.mktemp("dedup")
    events = generate_events(900, seed=11, tie_fraction=0.3)
    write_events(events.rows, root / "events.csv")
    # The same rows shuffled again, in three files: duplicates of a key cross files and so partitions.
    shuffled = events.rows.sample(frac=1.0, random_state=3).reset_index(drop=True)
    (root / "split").mkdir()
    for part, chunk in enumerate((shuffled[:300], shuffled[300:600], shuffled[600:])):
        write_events(chunk, root / "split" / f"part-{part}.csv")
    return {"root": root, "events": events}


@pytest.fixture(scope="module")
def job(generated):
    root = generated["root"]
    code, stdout = run("--input", root / "events.csv", "--output", root / "out", *JOB_ARGS)
    split_code, _ = run("--input", root / "split", "--output", root / "out_split", *JOB_ARGS)
    return {"code": code, "split_code": split_code, "stdout": stdout, "out": root / "out", "split": root / "out_split"}


def test_keeps_the_planted_winner_of_every_key_including_ties(job, generated):
    assert job["code"] == 0
    kept = read(job["out"], "kept")
    winners = generated["events"].winners
    assert generated["events"].tie_keys > 5
    assert sorted(kept["event_id"]) == sorted(winners["event_id"])
    assert not kept.duplicated(["customer_id", "region"]).any()
    assert kept["customer_id"].str.startswith("顧客-").any()  # unicode keys survive


def test_superseded_rows_point_at_the_kept_row_of_their_key(job):
    kept = read(job["out"], "kept").set_index(["customer_id", "region"])["event_id"]
    superseded = read(job["out"], "superseded")
    assert len(superseded) > 100
    expected = kept.loc[list(zip(superseded["customer_id"], superseded["region"], strict=True))].to_numpy()
    assert (superseded["kept_id"].to_numpy() == expected).all()


def test_rejects_exactly_the_planted_bad_rows_with_one_reason_each(job, generated):
    rejected = read(job["out"], "rejected")
    planted = generated["events"].bad_rows["kind"].value_counts().to_dict()
    assert rejected["reject_reason"].value_counts().to_dict() == planted


def test_metrics_prove_conservation(job, generated):
    metrics = json.loads((job["out"] / "_metrics.json").read_text())
    total = len(generated["events"].rows)
    assert metrics["input_rows"] == total
    assert metrics["kept_rows"] + metrics["superseded_rows"] + metrics["rejected_rows"] == total
    assert metrics["conservation"]["holds"] is True
    for name in ("kept", "superseded", "rejected"):
        assert len(read(job["out"], name)) == metrics["outputs"][name]["rows"]
    summary = job["stdout"][job["stdout"].index("dedup: succeeded in") :]  # the framework's summary, not the JSON
    assert f"found       kept {metrics['kept_rows']}, superseded {metrics['superseded_rows']}" in summary
    assert f"kept ({metrics['kept_rows']} rows): " in summary and "{" not in job["stdout"]


def test_shuffled_and_split_input_gives_identical_outputs(job):
    assert job["split_code"] == 0
    for name, key in (("kept", "event_id"), ("superseded", "event_id"), ("rejected", "amount")):
        one = read(job["out"], name)
        other = read(job["split"], name)
        order = [key, *sorted(c for c in one.columns if c != key)]
        pd.testing.assert_frame_equal(
            one.sort_values(order, na_position="first").reset_index(drop=True),
            other[one.columns].sort_values(order, na_position="first").reset_index(drop=True),
        )


EDGE_ROWS = [
    # one-row key, unicode key
    {"id": "a1", "k": "Zoë", "ts": "2024-01-01T00:00:00Z", "tb": "x", "v": "1"},
    # exact tie on the instant in two zones: the tie-break decides (text, descending here)
    {"id": "b1", "k": "東京", "ts": "2024-01-02T10:00:00Z", "tb": "alpha", "v": "1"},
    {"id": "b2", "k": "東京", "ts": "2024-01-02T12:00:00+02:00", "tb": "beta", "v": "2"},
    {"id": "b3", "k": "東京", "ts": "2024-01-01T00:00:00Z", "tb": "gamma", "v": "3"},
    # tie on instant and tie-break: the id decides
    {"id": "c2", "k": "c", "ts": "2024-01-03", "tb": None, "v": "1"},
    {"id": "c1", "k": "c", "ts": "2024-01-03T00:00:00Z", "tb": None, "v": "2"},
    # identical rows
    {"id": "d1", "k": "d", "ts": "2024-01-05T00:00:00Z", "tb": "t", "v": "1"},
    {"id": "d1", "k": "d", "ts": "2024-01-05T00:00:00Z", "tb": "t", "v": "1"},
    # one id with two contents: with --id-column both are rejected (duplicate_id), without it two versions of f
    {"id": "f1", "k": "f", "ts": "2024-01-01T00:00:00Z", "tb": "t", "v": "1"},
    {"id": "f1", "k": "f", "ts": "2024-01-02T00:00:00Z", "tb": "t", "v": "2"},
    # rejects (a key of a TAB alone is blank too)
    {"id": "e1", "k": " ", "ts": "2024-01-01T00:00:00Z", "tb": "t", "v": "1"},
    {"id": "e5", "k": "\t", "ts": "2024-01-01T00:00:00Z", "tb": "t", "v": "1"},
    {"id": None, "k": "e", "ts": "2024-01-01T00:00:00Z", "tb": "t", "v": "1"},
    {"id": "e3", "k": "e", "ts": "", "tb": "t", "v": "1"},
    {"id": "e4", "k": "e", "ts": "2024-02-30T00:00:00Z", "tb": "t", "v": "1"},
]


@pytest.mark.parametrize(
    ("strategy", "tie_break", "id_column"),
    [("latest_timestamp", "tb:desc", "id"), ("first_seen", "tb", "id"), ("latest_timestamp", "tb", None)],
)
def test_agrees_with_the_pandas_reference_on_generated_and_edge_rows(tmp_path, strategy, tie_break, id_column):
    reference = load_reference()
    generated = generate_events(400, seed=5, tie_fraction=0.4).rows.rename(
        columns={"event_id": "id", "customer_id": "k", "updated_at": "ts", "source": "tb", "amount": "v"}
    )[["id", "k", "ts", "tb", "v"]]
    rows = pd.concat([generated, pd.DataFrame(EDGE_ROWS)], ignore_index=True)
    rows.to_csv(tmp_path / "in.csv", index=False)
    id_args = ["--id-column", id_column] if id_column else []
    code, _ = run("--input", tmp_path / "in.csv", "--output", tmp_path / "out", "--keys", "k", "--order-by", "ts",
                  "--strategy", strategy, "--tie-break", tie_break, *id_args)  # fmt: skip
    assert code == 0
    name, _, direction = tie_break.partition(":")
    expected = reference.dedup(
        reference.load_csv(tmp_path / "in.csv"),
        reference.Options(("k",), "ts", strategy, ((name, direction == "desc"),), id_column),
    )
    for dataset, frame in (("kept", expected.kept), ("superseded", expected.superseded),
                           ("rejected", expected.rejected)):  # fmt: skip
        actual = read(tmp_path / "out", dataset)
        columns = list(frame.columns)
        assert sorted(actual.columns) == sorted(columns), dataset
        pd.testing.assert_frame_equal(
            actual[columns].astype(object).sort_values(columns, na_position="first").reset_index(drop=True),
            frame.astype(object).where(frame.notna(), None).sort_values(columns, na_position="first")
            .reset_index(drop=True),
            check_dtype=False,
            obj=dataset,
        )  # fmt: skip
    kept = read(tmp_path / "out", "kept").set_index("k")
    if strategy == "latest_timestamp" and id_column:
        assert kept.loc["東京", "id"] == "b2" and kept.loc["c", "id"] == "c1"  # tb:desc; then the id
    if strategy == "first_seen":
        assert kept.loc["東京", "id"] == "b3"


def test_a_named_column_missing_from_the_input_is_one_error_line(tmp_path, capsys):
    pd.DataFrame(EDGE_ROWS).to_csv(tmp_path / "in.csv", index=False)
    code, _ = run("--input", tmp_path / "in.csv", "--output", tmp_path / "out", "--keys", "k,nope", "--order-by", "ts")
    assert code == 1
    assert (
        capsys.readouterr().err.strip()
        == "dedup: ERROR: input lacks the named columns: nope (columns: id, k, ts, tb, v)"
    )


def test_json_input_needs_declared_columns(tmp_path, capsys):
    pd.DataFrame(EDGE_ROWS).to_json(tmp_path / "in.json", orient="records", lines=True)
    code, _ = run("--input", tmp_path / "in.json", "--input-format", "json", "--output", tmp_path / "out",
                  "--keys", "k", "--order-by", "ts")  # fmt: skip
    assert code == 1
    assert "needs --columns" in capsys.readouterr().err
    code, _ = run("--input", tmp_path / "in.json", "--input-format", "json", "--output", tmp_path / "out",
                  "--keys", "k", "--order-by", "ts", "--id-column", "id", "--columns", "id,k,ts,tb,v")  # fmt: skip
    assert code == 0
    assert sorted(read(tmp_path / "out", "kept")["id"]) == [
        "a1",
        "b1",
        "c1",
        "d1",
    ]  # b1, b2: same instant, the id decides


# The claimsDaily pipeline's dedup step (environments/pipelines.ts), which the dedup tables describe.
CLAIMS_SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample" / "claims.csv"
PIPELINE_ARGS = ("--input-format", "csv", "--keys", "claim_id", "--order-by", "submitted_at",
                 "--strategy", "latest_timestamp")  # fmt: skip


@pytest.fixture(scope="module")
def claims_output(tmp_path_factory):
    output = tmp_path_factory.mktemp("dedup_claims") / "out"
    code, _ = run("--input", CLAIMS_SAMPLE, "--output", output, *PIPELINE_ARGS)
    assert code == 0
    return output


@pytest.mark.parametrize("table", TABLES, ids=lambda table: table.name)
def test_each_dataset_is_written_as_its_table_declares(claims_output, table):
    assert_table_agrees(table, claims_output)
