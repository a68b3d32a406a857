"""The smoke test passes on a working Spark, writes its result where it wrote its data, and fails on a mismatch."""

import contextlib
import io
import json

from emr_jobs.jobs import smoke_test


def _run(tmp_path, rows=5000):
    with contextlib.redirect_stdout(io.StringIO()) as stdout:
        code = smoke_test.main(["--output", str(tmp_path / "smoke"), "--rows", str(rows)])
    return code, stdout.getvalue()


def test_the_closed_forms_agree_with_plain_arithmetic():
    for rows in (1, 2, 7, 1000):
        assert smoke_test.expected_sum_of_squares(rows) == sum(i * i for i in range(rows))
        assert sum(smoke_test.expected_bucket_count(rows, b) for b in range(smoke_test.BUCKETS)) == rows


def test_a_working_spark_passes_and_records_versions(spark, tmp_path):
    code, stdout = _run(tmp_path)
    result = json.loads((tmp_path / "smoke" / "result.json").read_text())
    assert code == 0 and result["status"] == "PASSED" and json.loads(stdout) == result
    assert all(check["passed"] for check in result["checks"]) and len(result["checks"]) == 4
    assert result["spark_version"] == "3.5.6" and result["python_version"].startswith("3.11")
    assert "pyarrow" in result["executor_python"]
    assert list((tmp_path / "smoke" / "data").glob("*.parquet"))


def test_a_mismatch_fails_the_run(spark, tmp_path, monkeypatch, capsys):
    # Simulates a cluster that computes a wrong aggregate: the expectation no longer matches what Spark returns.
    monkeypatch.setattr(smoke_test, "expected_sum_of_squares", lambda rows: -1)
    code, _ = _run(tmp_path)
    result = json.loads((tmp_path / "smoke" / "result.json").read_text())
    assert code == 1 and result["status"] == "FAILED"
    assert [c["name"] for c in result["checks"] if not c["passed"]] == ["sum_of_squares"]
    assert "checks failed: sum_of_squares" in capsys.readouterr().err
