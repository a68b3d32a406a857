"""Anomalies to the SNS topic (--alerts-topic), at most once per anomaly key (symbol, bar start, anomaly type)
across replays: a marker file per key is written before the message is published, so a replayed batch skips
what was sent, and a crash between marker and publish loses that alert rather than repeating it."""

import hashlib
import json
from collections.abc import Callable

from pyspark.sql import SparkSession

from emr_jobs.framework.exit_codes import JobError
from emr_jobs.framework.filesystem import join_uri, path_exists, write_text

ALERTS_DIRECTORY = "_alerts"  # underscore: readers of the output root skip it
Publish = Callable[[str, str], None]  # (subject, message)


def alert_key(anomaly: dict) -> str:
    return f"{anomaly['symbol']}|{anomaly['timestamp_us']}|{anomaly['anomaly_type']}"


def marker_path(output: str, anomaly: dict) -> str:
    """One small file per key; hashed, since a symbol may hold characters a path should not."""
    digest = hashlib.sha256(alert_key(anomaly).encode("utf-8")).hexdigest()[:32]
    return join_uri(output, ALERTS_DIRECTORY, f"{digest}.json")


def send_alerts(spark: SparkSession, output: str, anomalies: list[dict], publish: Publish) -> int:
    """Publishes each anomaly whose key has no marker yet; returns how many were published."""
    sent = 0
    for anomaly in anomalies:
        marker = marker_path(output, anomaly)
        if path_exists(spark, marker):
            continue
        message = json.dumps(anomaly, sort_keys=True, default=str)
        write_text(spark, marker, message + "\n")
        subject = f"{anomaly['risk_level']} {anomaly['anomaly_type']} anomaly: {anomaly['symbol']}"
        publish(subject[:100], message)  # SNS Publish: Subject is at most 100 characters
        sent += 1
    return sent


def sns_publisher(topic_arn: str) -> Publish:
    """Publish to the topic through boto3 (imported here: only a job given --alerts-topic needs it). The region is
    the ARN's (arn:aws:sns:<region>:<account>:<name>)."""
    parts = topic_arn.split(":")
    if len(parts) != 6 or parts[:3] != ["arn", "aws", "sns"] or not parts[3]:
        raise JobError(f"--alerts-topic {topic_arn} is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)")
    try:
        import boto3
    except ImportError:
        raise JobError("--alerts-topic needs boto3 on the driver (pip install boto3), or leave it out") from None
    client = boto3.client("sns", region_name=parts[3])

    def publish(subject: str, message: str) -> None:
        client.publish(TopicArn=topic_arn, Subject=subject, Message=message)

    return publish
