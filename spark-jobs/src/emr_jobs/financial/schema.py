"""The OHLCV bar: the columns the processor reads and the types they parse to."""

from pyspark.sql.types import DataType, DoubleType, StringType, TimestampType

REQUIRED_COLUMNS = ("symbol", "market", "timestamp", "open", "high", "low", "close", "volume")
OPTIONAL_COLUMNS = ("source",)
PRICE_COLUMNS = ("open", "high", "low", "close")
NUMERIC_COLUMNS = (*PRICE_COLUMNS, "volume")

# Declared types: parquet input is read with them; csv and json text is parsed to them.
OHLCV_COLUMNS: dict[str, DataType] = {
    "symbol": StringType(),
    "market": StringType(),
    "timestamp": TimestampType(),
    "open": DoubleType(),
    "high": DoubleType(),
    "low": DoubleType(),
    "close": DoubleType(),
    "volume": DoubleType(),
    "source": StringType(),
}
