"""City-level daily rows summed to state-level daily totals."""

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

STATE_DAILY_COLUMNS = ("date", "state", "cases", "deaths", "cities")


def state_daily_totals(valid_cities: DataFrame) -> DataFrame:
    """One row per (date, state): the sums of cases and deaths over its valid city rows, and how many there were."""
    return valid_cities.groupBy("date", "state").agg(
        F.sum("cases").alias("cases"), F.sum("deaths").alias("deaths"), F.count(F.lit(1)).alias("cities")
    )
