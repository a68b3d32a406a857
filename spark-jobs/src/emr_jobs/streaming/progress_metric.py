"""The stream's heartbeat for CloudWatch: after each micro-batch the driver adds 1 to the metric the "no progress"
alarm watches (`--progress-metric NAMESPACE/NAME`, from the stack's StreamingOutput.progressMetric; no dimensions,
since the alarm's metric has none and a metric is identified by its namespace, name and dimensions together:
CloudWatch User Guide, "Metrics concepts", Dimensions).

A failed PutMetricData does not stop the stream: the data is written, and a missing heartbeat shows up as the
alarm, which is the signal an operator should get. Each failure prints one warning line to stderr."""

import sys
from collections.abc import Callable

from emr_jobs.framework.exit_codes import JobError

AfterBatch = Callable[[dict], None]
EXAMPLE = "EMRPlatform/Jobs/StreamBatchesCompleted"


def parse_metric(value: str) -> tuple[str, str]:
    """`EMRPlatform/Jobs/StreamBatchesCompleted` → (namespace, name): the name is after the last `/`, since
    namespaces may hold `/` and metric names here do not."""
    namespace, _, name = value.rpartition("/")
    if not namespace or not name:
        raise JobError(f"--progress-metric {value} is not NAMESPACE/NAME (e.g. {EXAMPLE})")
    return namespace, name


def cloudwatch_progress(metric: str, region: str, client=None) -> AfterBatch:
    """An after-batch hook that publishes one Count of 1 per batch. `client` is a boto3 CloudWatch client (tests
    pass a stubbed one); by default one for `region`."""
    namespace, name = parse_metric(metric)
    if client is None:
        try:
            import boto3
        except ImportError:
            raise JobError("--progress-metric needs boto3 on the driver (spark-jobs/requirements.txt)") from None
        client = boto3.client("cloudwatch", region_name=region)
    from botocore.exceptions import BotoCoreError, ClientError

    datum = {"MetricName": name, "Value": 1.0, "Unit": "Count"}

    def publish(record: dict) -> None:
        try:
            client.put_metric_data(Namespace=namespace, MetricData=[datum])
        except (BotoCoreError, ClientError) as error:
            warning = f"batch {record['batch_id']} written, but {namespace}/{name} was not published ({error})"
            print(f"financial_stream: WARNING: {warning}; the no-progress alarm may fire", file=sys.stderr, flush=True)

    return publish


def after_each(*hooks: AfterBatch | None) -> AfterBatch:
    """One hook that runs the given ones in order (None skipped)."""
    present = [hook for hook in hooks if hook is not None]

    def run(record: dict) -> None:
        for hook in present:
            hook(record)

    return run
