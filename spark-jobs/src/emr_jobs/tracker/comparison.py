"""Our state-level totals against the official ones, key by key (date, state).

For each metric (cases, deaths): delta = ours - theirs; relative delta = delta / theirs (0 when both are 0, null
when only theirs is 0). A metric agrees when |delta| <= max(abs_tolerance, rel_tolerance · |theirs|).
A key's class: missing_ours (only the official file has it), missing_theirs (only ours has it), changed (a metric
disagrees), equal (both agree).
"""

from dataclasses import dataclass

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from emr_jobs.tracker.schema import METRICS

CLASSES = ("equal", "changed", "missing_ours", "missing_theirs")
DIFFERING = ("changed", "missing_ours", "missing_theirs")
COMPARISON_COLUMNS = (
    "date",
    "state",
    "region",
    *(f"{side}_{metric}" for metric in METRICS for side in ("ours", "theirs")),
    *(f"{metric}_delta" for metric in METRICS),
    *(f"{metric}_rel_delta" for metric in METRICS),
    "class",
)


@dataclass(frozen=True)
class Tolerances:
    absolute: float = 0.0
    relative: float = 0.0


def _relative(delta: Column, theirs: Column) -> Column:
    return F.when(theirs != 0, delta / theirs).when(delta == 0, F.lit(0.0))


def _disagrees(delta: Column, theirs: Column, tolerances: Tolerances) -> Column:
    allowed = F.greatest(F.lit(float(tolerances.absolute)), F.lit(float(tolerances.relative)) * F.abs(theirs))
    return F.abs(delta) > allowed


def compare_totals(ours: DataFrame, theirs: DataFrame, tolerances: Tolerances) -> DataFrame:
    """Every key of either side with both sides' values, the deltas and the class, as COMPARISON_COLUMNS."""
    left = ours.select("date", "state", *[F.col(m).alias(f"ours_{m}") for m in METRICS], F.lit(True).alias("_o"))
    right = theirs.select(
        "date", "state", "region", *[F.col(m).alias(f"theirs_{m}") for m in METRICS], F.lit(True).alias("_t")
    )
    joined = left.join(right, on=["date", "state"], how="full_outer")
    columns = {}
    for metric in METRICS:
        delta = F.col(f"ours_{metric}") - F.col(f"theirs_{metric}")
        columns[f"{metric}_delta"] = delta
        columns[f"{metric}_rel_delta"] = _relative(delta, F.col(f"theirs_{metric}"))
    compared = joined.select("*", *[value.alias(name) for name, value in columns.items()])
    changed = F.lit(False)
    for metric in METRICS:
        changed = changed | _disagrees(F.col(f"{metric}_delta"), F.col(f"theirs_{metric}"), tolerances)
    klass = (
        F.when(F.col("_o").isNull(), F.lit("missing_ours"))
        .when(F.col("_t").isNull(), F.lit("missing_theirs"))
        .when(changed, F.lit("changed"))
        .otherwise(F.lit("equal"))
    )
    return compared.withColumn("class", klass).select(*COMPARISON_COLUMNS)


def top_deltas(compared: DataFrame, count: int) -> list[dict]:
    """The `count` changed keys with the largest |cases delta|, then |deaths delta|, then date and state."""
    rows = (
        compared.filter(F.col("class") == "changed")
        .orderBy(F.abs("cases_delta").desc(), F.abs("deaths_delta").desc(), "date", "state")
        .limit(count)
        .collect()
    )
    return [{**row.asDict(), "date": row["date"].isoformat()} for row in rows]
