"""financial_stream's tables (--output <root>: <root>/<dataset>/batch=<id>/, one folder per micro-batch, replaced
whole when a batch is replayed; batch_output.py). On a cluster <root> is the data bucket's streaming/financial/
(modules/streaming: StreamingOutput.outputUri).

The bars carry the batch job's indicator columns at its defaults (financial.tables.INDICATORS), plus `market` and
the number of ticks the bar was built from. progress/ is one JSON file per batch, not a table.
"""

from emr_jobs.financial.tables import INDICATORS, OHLCV
from emr_jobs.framework.tables import Column, Table

JOB = "financial_stream"
BATCH = (Column("batch", "bigint", "the micro-batch that wrote the rows (the progress record's batch_id)"),)

_BAR = (
    Column("symbol", "string"),
    Column("market", "string"),
    Column("timestamp", "timestamp", "bar start (UTC)"),
    *OHLCV,
    *INDICATORS,
    Column("ticks", "bigint", "ticks the bar was built from"),
)

TABLES = (
    Table(
        "financial_stream_bars",
        JOB,
        "bars",
        _BAR,
        BATCH,
        "one row per closed event-time bar with its indicators, written once the watermark passed its end",
    ),
    Table("financial_stream_anomalies", JOB, "anomalies", _BAR, BATCH, "the bars with an anomaly_type"),
    Table(
        "financial_stream_rejected",
        JOB,
        "rejected",
        (
            *(Column(name, "string", "as received") for name in ("symbol", "market", "ts", "price", "volume")),
            Column("raw_record", "string", "the line as received when it was not a JSON tick, else null"),
            Column("reject_reason", "string", "the intake's reason, or late (behind the watermark)"),
        ),
        BATCH,
        "ticks that were not valid, or arrived behind the watermark, with their original text",
    ),
)
