"""financial_stream's heartbeat (--progress-metric): one PutMetricData per batch, shaped as the no-progress alarm
reads it (modules/streaming/stream-alarms.ts: namespace/name, no dimensions, Sum), and a failed call warns without
stopping the stream. CloudWatch itself is stubbed with botocore's Stubber, which checks each call's parameters
against the API's model."""

import boto3
import pytest
from botocore.stub import Stubber

from emr_jobs.framework.exit_codes import JobError
from emr_jobs.jobs import financial_stream
from emr_jobs.streaming.progress_metric import after_each, cloudwatch_progress, parse_metric

METRIC = "EMRPlatform/Jobs/StreamBatchesCompleted"


def stubbed_cloudwatch():
    client = boto3.client("cloudwatch", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x")
    return client, Stubber(client)


def test_each_batch_adds_one_to_the_alarms_metric_without_dimensions():
    client, stub = stubbed_cloudwatch()
    expected = {"Namespace": "EMRPlatform/Jobs",
                "MetricData": [{"MetricName": "StreamBatchesCompleted", "Value": 1.0, "Unit": "Count"}]}  # fmt: skip
    stub.add_response("put_metric_data", {}, expected)
    stub.add_response("put_metric_data", {}, expected)
    with stub:
        heartbeat = cloudwatch_progress(METRIC, "eu-west-1", client=client)
        heartbeat({"batch_id": 0})
        heartbeat({"batch_id": 1})
    stub.assert_no_pending_responses()


def test_a_refused_put_warns_in_one_line_and_the_stream_goes_on(capsys):
    client, stub = stubbed_cloudwatch()
    stub.add_client_error("put_metric_data", service_error_code="AccessDenied", http_status_code=403)
    stub.add_response("put_metric_data", {})
    with stub:
        heartbeat = cloudwatch_progress(METRIC, "eu-west-1", client=client)
        heartbeat({"batch_id": 7})
        heartbeat({"batch_id": 8})
    stub.assert_no_pending_responses()
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("financial_stream: WARNING: batch 7 written, but EMRPlatform/Jobs/StreamBatchesCompleted")
    assert "AccessDenied" in err[0] and err[0].endswith("the no-progress alarm may fire")


@pytest.mark.parametrize("value", ["StreamBatchesCompleted", "EMRPlatform/Jobs/", "/x"])
def test_a_metric_without_namespace_or_name_is_refused(value):
    with pytest.raises(JobError, match=f"--progress-metric {value} is not NAMESPACE/NAME"):
        parse_metric(value)


def test_the_metric_needs_a_region(tmp_path, capsys):
    code = financial_stream.main(["--source", "files", "--input", str(tmp_path), "--output", str(tmp_path.parent / "o"),
                                  "--checkpoint", str(tmp_path.parent / "c"), "--progress-metric", METRIC])  # fmt: skip
    assert code == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        "financial_stream: ERROR: invalid arguments: --progress-metric needs --region (the CloudWatch region)"
    ]


def test_after_each_runs_every_hook_in_order_and_skips_none():
    seen: list[tuple[str, int]] = []
    hook = after_each(lambda r: seen.append(("summary", r["batch_id"])), None, lambda r: seen.append(("metric", 0)))
    hook({"batch_id": 3})
    assert seen == [("summary", 3), ("metric", 0)]
