"""The financial job's tables (financial_data_processor --output <root>: <root>/<dataset>/market=M/date=D/).

Indicator columns follow the job's defaults (--sma-windows 20,50 → sma_20, sma_50); other windows write other
column names, which these tables do not describe.
"""

from emr_jobs.framework.tables import Column, Table

JOB = "financial_data_processor"
MARKET_DATE = (Column("market", "string"), Column("date", "string", "trading day, yyyy-MM-dd"))

_BAR = (
    Column("symbol", "string"),
    Column("timestamp", "timestamp", "bar time (UTC)"),
)
_ANOMALY = (
    Column("return_zscore", "double", "z-score of the bar's return over the z-score window"),
    Column("volume_zscore", "double", "z-score of the bar's volume over the z-score window"),
    Column("anomaly_type", "string", "price, volume, both, or null"),
    Column("risk_level", "string"),
)
OHLCV = tuple(Column(name, "double") for name in ("open", "high", "low", "close", "volume"))
# The columns the indicators add to a bar, in the order the job adds them (financial_stream's bars share them).
INDICATORS = (
    Column("ema_12", "double"),
    Column("ema_26", "double"),
    Column("rsi", "double", "14-bar relative strength index"),
    Column("price_change", "double"),
    Column("price_change_pct", "double"),
    Column("sma_20", "double"),
    Column("sma_50", "double"),
    Column("bb_middle", "double", "Bollinger middle band"),
    Column("bb_stddev", "double"),
    Column("volatility_20", "double"),
    Column("bb_upper", "double"),
    Column("bb_lower", "double"),
    Column("trend_short", "string"),
    Column("trend_long", "string"),
    Column("ma_crossover", "string"),
    Column("rsi_signal", "string"),
    *_ANOMALY,
)

TABLES = (
    Table(
        "financial_indicators",
        JOB,
        "indicators",
        (
            *_BAR,
            *OHLCV,
            Column("source", "string", "the feed the bar came from"),
            *INDICATORS,
        ),
        MARKET_DATE,
        "one row per valid OHLCV bar with its indicators and anomaly scores",
    ),
    Table(
        "financial_anomalies",
        JOB,
        "anomalies",
        (
            *_BAR,
            Column("close", "double"),
            Column("volume", "double"),
            Column("price_change_pct", "double"),
            *_ANOMALY,
        ),
        MARKET_DATE,
        "the bars flagged as price or volume anomalies",
    ),
    Table(
        "financial_market_summary",
        JOB,
        "market_summary",
        (
            Column("symbol_count", "bigint"),
            Column("avg_price", "double"),
            Column("avg_volume", "double"),
            Column("total_volume", "double"),
            Column("avg_change_pct", "double"),
            Column("avg_volatility", "double"),
            Column("avg_rsi", "double"),
            Column("gainers", "bigint"),
            Column("losers", "bigint"),
            Column("anomalies", "bigint"),
            Column("sentiment", "string"),
        ),
        MARKET_DATE,
        "one row per market and day",
    ),
    Table(
        "financial_rejected",
        JOB,
        "rejected",
        (
            *(Column(name, "string", "as read") for name in ("symbol", "market", "timestamp", "open", "high")),
            *(Column(name, "string", "as read") for name in ("low", "close", "volume", "source")),
            Column("reject_reason", "string", "why the bar was rejected (one reason per row)"),
        ),
        (Column("date", "string", "the bar's day; undated bars go to the run's day"),),
        "input bars that failed cleansing, with their original text",
    ),
)
