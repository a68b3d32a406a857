"""What a dedup run is told: the key, the order column, the strategy and the tie-breaks, checked against the input's
columns before any data is read."""

from dataclasses import dataclass

from emr_jobs.framework.exit_codes import JobError
from emr_jobs.framework.intake import RAW_RECORD_COLUMN

STRATEGIES = ("latest_timestamp", "first_seen")
# Columns the job adds to its outputs; an input column with one of these names would be shadowed.
ROW_ID_COLUMN = "dedup_row_id"
KEPT_ID_COLUMN = "kept_id"


@dataclass(frozen=True)
class TieBreak:
    column: str
    descending: bool = False


@dataclass(frozen=True)
class DedupSpec:
    keys: tuple[str, ...]
    order_by: str
    strategy: str = "latest_timestamp"
    tie_breaks: tuple[TieBreak, ...] = ()
    id_column: str | None = None  # None: a content hash of the row is its id

    @property
    def winner_id(self) -> str:
        return self.id_column or ROW_ID_COLUMN

    def check_columns(self, columns: tuple[str, ...]) -> None:
        named = [*self.keys, self.order_by, *(t.column for t in self.tie_breaks)]
        if self.id_column:
            named.append(self.id_column)
        missing = [name for name in dict.fromkeys(named) if name not in columns]
        if missing:
            raise JobError(f"input lacks the named columns: {', '.join(missing)} (columns: {', '.join(columns)})")
        clashes = [
            name for name in (ROW_ID_COLUMN, KEPT_ID_COLUMN, RAW_RECORD_COLUMN, "reject_reason") if name in columns
        ]
        if clashes:
            raise JobError(f"input columns {', '.join(clashes)} clash with the columns dedup adds; rename them")
        if self.order_by in self.keys:
            raise JobError(f"--order-by {self.order_by} is also a key column; the order must vary within a key")


def column_list(value: str, option: str) -> tuple[str, ...]:
    names = tuple(part.strip() for part in value.split(","))
    if not value.strip() or any(not name for name in names):
        raise JobError(f"invalid arguments: {option} expects comma-separated column names, got '{value}'")
    if len(set(names)) != len(names):
        raise JobError(f"invalid arguments: {option} names a column twice: '{value}'")
    return names


def tie_break_list(value: str | None) -> tuple[TieBreak, ...]:
    """`col` or `col:asc` sorts ascending, `col:desc` descending (text order)."""
    if not value:
        return ()
    breaks = []
    for item in column_list(value, "--tie-break"):
        name, _, direction = item.partition(":")
        if direction not in ("", "asc", "desc") or not name.strip():
            raise JobError(f"invalid arguments: --tie-break item '{item}' must be column, column:asc or column:desc")
        breaks.append(TieBreak(name.strip(), direction == "desc"))
    return tuple(breaks)
