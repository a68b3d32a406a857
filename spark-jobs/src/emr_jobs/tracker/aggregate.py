"""City-level daily rows summed to state-level daily totals, exactly.

A count is a whole number of at most 18 digits, so ten of them already pass the largest 64-bit integer and a bigint
sum would wrap silently (A12). Sums are taken as decimal(38,0), exact for up to 10^20 rows; a state-day total that
does not fit the bigint columns of state_daily/ fails the run (check_totals_fit) instead of being written wrong.
"""

from collections.abc import Sequence

from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import DecimalType, LongType

from emr_jobs.framework.exit_codes import JobError
from emr_jobs.tracker.schema import METRICS

STATE_DAILY_COLUMNS = ("date", "state", "cases", "deaths", "cities")
EXACT = DecimalType(38, 0)
LONGEST = 2**63 - 1  # the largest bigint, the type of state_daily's cases and deaths


def state_daily_totals(valid_cities: DataFrame) -> DataFrame:
    """One row per (date, state): the exact (decimal) sums of cases and deaths over its valid city rows, and how
    many there were."""
    return valid_cities.groupBy("date", "state").agg(
        *[F.sum(F.col(metric).cast(EXACT)).alias(metric) for metric in METRICS], F.count(F.lit(1)).alias("cities")
    )


def check_totals_fit(totals: DataFrame) -> None:
    """A JobError naming the first state-day (by date, state) whose total is beyond the largest bigint."""
    too_large = F.lit(False)
    for metric in METRICS:
        too_large = too_large | (F.col(metric) > F.lit(LONGEST).cast(EXACT))
    over = totals.filter(too_large)
    first = over.orderBy("date", "state").first()
    if first is None:
        return
    metric = next(m for m in METRICS if first[m] > LONGEST)
    others = over.count() - 1
    more = f" (and {others} more state-days)" if others else ""
    raise JobError(
        f"the {metric} total of state {first['state']} on {first['date'].isoformat()} is {int(first[metric])}, "
        f"beyond the largest 64-bit integer {LONGEST}{more}; check that state-day's city rows for implausible counts"
    )


def as_written(totals: DataFrame) -> DataFrame:
    """The checked totals in state_daily's types (cases and deaths bigint), as STATE_DAILY_COLUMNS."""
    return totals.select(
        "date", "state", *[F.col(metric).cast(LongType()).alias(metric) for metric in METRICS], "cities"
    )


def exact_sums(frame: DataFrame, metrics: Sequence[str] = METRICS) -> dict[str, int]:
    """Each metric's sum over `frame` as an exact integer (0 for no rows): what conservation compares, so a
    wrapped bigint sum on one side cannot match by wrapping alike on the other."""
    row = frame.agg(*[F.sum(F.col(metric).cast(EXACT)).alias(metric) for metric in metrics]).first()
    return {metric: int(row[metric] or 0) for metric in metrics}
