"""Single-process pandas computation of what the dedup job computes, written independently of the Spark code.

The benchmark's baseline and a cross-check: same reject reasons in the same priority (the last, duplicate_id: an id
that otherwise valid rows carry with different texts), same total order (order column, tie-breaks as text, row id,
every column's text), same content hash when the rows have no id column.
"""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

ROW_ID, KEPT_ID = "dedup_row_id", "kept_id"


@dataclass(frozen=True)
class Options:
    keys: tuple[str, ...]
    order_by: str
    strategy: str = "latest_timestamp"
    tie_breaks: tuple[tuple[str, bool], ...] = field(default=())  # (column, descending)
    id_column: str | None = None


@dataclass(frozen=True)
class Result:
    kept: pd.DataFrame
    superseded: pd.DataFrame  # with kept_id
    rejected: pd.DataFrame  # with reject_reason


def load_csv(path: str | Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])


# What the intake's clean_text strips at both ends: ASCII whitespace, Unicode space separators (Zs, Zl, Zp), NEL and
# the zero-width characters (U+200B-U+200D, U+2060, U+FEFF). Python's str.strip() differs (U+001C-U+001F; no U+200B).
_EDGE = "[ \t\n\x0b\x0c\r\x85\xa0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff]"


def _cleaned(column: pd.Series) -> pd.Series:
    """The text without edge whitespace; blank -> None."""
    text = column.astype(object).where(column.notna(), None)
    cleaned = text.str.replace(f"^{_EDGE}+|{_EDGE}+\\Z", "", regex=True)
    return cleaned.where(cleaned != "", None)


def _blank(column: pd.Series) -> pd.Series:
    return _cleaned(column).isna()


def _row_ids(frame: pd.DataFrame) -> pd.Series:
    joined = ["\x1f".join("\x00" if pd.isna(v) else v for v in row) for row in frame.itertuples(index=False)]
    return pd.Series([hashlib.sha256(t.encode("utf-8")).hexdigest() for t in joined], index=frame.index)


def _sort_keys(frame: pd.DataFrame, columns: list[tuple[str, bool]]) -> tuple[pd.DataFrame, list[str], list[bool]]:
    """Text columns as (present?, value) pairs: ascending puts nulls first, descending puts them last."""
    keys, names, ascending = {}, [], []
    for i, (column, descending) in enumerate(columns):
        keys[f"_p{i}"] = frame[column].notna()
        keys[f"_v{i}"] = frame[column].fillna("")
        names += [f"_p{i}", f"_v{i}"]
        ascending += [not descending, not descending]
    return pd.DataFrame(keys, index=frame.index), names, ascending


def _ids_with_two_contents(valid: pd.DataFrame, id_column: str) -> pd.Index:
    """The rows whose id another (otherwise valid) row carries with a different text in some column."""
    contents_per_id = valid.drop_duplicates()[id_column].value_counts()
    return valid.index[valid[id_column].isin(contents_per_id.index[contents_per_id > 1])]


def dedup(frame: pd.DataFrame, options: Options) -> Result:
    columns = list(frame.columns)
    text = frame.astype(object).where(frame.notna(), None)
    order_value = pd.to_datetime(_cleaned(text[options.order_by]), errors="coerce", utc=True, format="ISO8601")
    checks = [("null_key", np.logical_or.reduce([_blank(text[k]) for k in options.keys]))]
    if options.id_column:
        checks.append(("null_id", _blank(text[options.id_column])))
    checks += [("null_order", _blank(text[options.order_by])), ("unparsable_order", order_value.isna())]
    reason = pd.Series(np.select([c for _, c in checks], [n for n, _ in checks], default=""), index=text.index)
    if options.id_column:
        reason[_ids_with_two_contents(text[reason == ""], options.id_column)] = "duplicate_id"
    extra = []
    if options.id_column is None:
        text[ROW_ID] = _row_ids(text[columns])
        extra = [ROW_ID]
    winner_id = options.id_column or ROW_ID

    valid = text[reason == ""]
    text_order = [*options.tie_breaks, (winner_id, False), *((c, False) for c in columns)]
    keys, names, ascending = _sort_keys(valid, text_order)
    keys.insert(0, "_order", order_value[valid.index])
    ordered = valid.loc[
        keys.sort_values(["_order", *names], ascending=[options.strategy != "latest_timestamp", *ascending],
                         kind="mergesort").index
    ]  # fmt: skip
    superseded_mask = ordered.duplicated(list(options.keys), keep="first")
    kept_id = ordered.groupby(list(options.keys), sort=False, dropna=False)[winner_id].transform("first")
    kept = ordered[~superseded_mask][columns + extra]
    superseded = ordered[superseded_mask][columns + extra].assign(**{KEPT_ID: kept_id[superseded_mask]})
    # raw_record: the line of a malformed record; pandas' parser has none (it fails on such a file instead).
    rejected = text[reason != ""][columns].assign(raw_record=None, reject_reason=reason[reason != ""])
    return Result(kept.reset_index(drop=True), superseded.reset_index(drop=True), rejected.reset_index(drop=True))


def run(path: str | Path, options: Options) -> dict:
    result = dedup(load_csv(path), options)
    return {"kept_rows": len(result.kept), "superseded_rows": len(result.superseded),
            "rejected_rows": len(result.rejected)}  # fmt: skip
