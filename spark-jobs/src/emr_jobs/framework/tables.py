"""A job output's table, declared once next to the job (emr_jobs/<area>/tables.py) and exported to
spark-jobs/tables.json (`python -m emr_jobs.tables --write`), from which the infrastructure creates the Glue tables.

Glue types are Hive DDL type names (string, bigint, int, double, boolean, date, timestamp, decimal(p,s), array<...>,
struct<...>, map<...>): https://docs.aws.amazon.com/athena/latest/ug/data-types.html
"""

from dataclasses import dataclass

FORMATS = ("parquet", "json", "csv")


@dataclass(frozen=True)
class Column:
    name: str
    glue_type: str
    comment: str = ""


@dataclass(frozen=True)
class Table:
    """`dataset` is the subfolder the job writes under its --output; `partitions` are the `k=v` directory keys,
    outermost first, with their Glue types (a partition column is never also in `columns`)."""

    name: str
    job: str  # the catalogue job name (catalog.json), whose --output holds the dataset
    dataset: str
    columns: tuple[Column, ...]
    partitions: tuple[Column, ...] = ()
    comment: str = ""
    format: str = "parquet"

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"table {self.name}: format {self.format!r} is not one of {', '.join(FORMATS)}")
        names = [c.name for c in (*self.columns, *self.partitions)]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"table {self.name}: column {', '.join(repeated)} is declared twice")

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "job": self.job,
            "dataset": self.dataset,
            "format": self.format,
            "comment": self.comment,
            "columns": [{"name": c.name, "type": c.glue_type, "comment": c.comment} for c in self.columns],
            "partitions": [{"name": p.name, "type": p.glue_type} for p in self.partitions],
        }
