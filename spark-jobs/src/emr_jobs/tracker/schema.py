"""The tracker's tables: the columns each reads and the types they parse to."""

from pyspark.sql.types import DataType, DateType, LongType, StringType

# City-level daily rows, the aggregate job's input.
CITY_COLUMNS: dict[str, DataType] = {
    "date": DateType(),
    "state": StringType(),
    "city": StringType(),
    "code": StringType(),
    "cases": LongType(),
    "deaths": LongType(),
}
CITY_REQUIRED = ("date", "state", "cases", "deaths")
CITY_KEY = ("date", "state", "city", "code")

# State-level daily totals: our aggregate (state_daily/) and the official file (which adds region).
STATE_COLUMNS: dict[str, DataType] = {
    "date": DateType(),
    "region": StringType(),
    "state": StringType(),
    "cases": LongType(),
    "deaths": LongType(),
}
STATE_REQUIRED = ("date", "state", "cases", "deaths")
STATE_KEY = ("date", "state")
METRICS = ("cases", "deaths")
