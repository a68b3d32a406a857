"""A job's real output held against its table declaration: a dataset's schema as Glue types (data columns from the
parquet footer via pyarrow, partition keys from the `k=v` directory names), and a run record's keys and values."""

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from emr_jobs.framework.tables import Table

# Parquet (arrow) types with a fixed Glue name: https://docs.aws.amazon.com/athena/latest/ug/data-types.html
_SIMPLE = {
    pa.string(): "string",
    pa.large_string(): "string",
    pa.int64(): "bigint",
    pa.int32(): "int",
    pa.int16(): "smallint",
    pa.int8(): "tinyint",
    pa.float64(): "double",
    pa.float32(): "float",
    pa.bool_(): "boolean",
    pa.date32(): "date",
}


def glue_type(arrow: pa.DataType) -> str:
    """The Glue (Hive DDL) type Athena reads this parquet type as."""
    if arrow in _SIMPLE:
        return _SIMPLE[arrow]
    if pa.types.is_timestamp(arrow):
        return "timestamp"
    if pa.types.is_decimal(arrow):
        return f"decimal({arrow.precision},{arrow.scale})"
    if pa.types.is_list(arrow) or pa.types.is_large_list(arrow):
        return f"array<{glue_type(arrow.value_type)}>"
    if pa.types.is_map(arrow):
        return f"map<{glue_type(arrow.key_type)},{glue_type(arrow.item_type)}>"
    if pa.types.is_struct(arrow):
        fields = ",".join(f"{arrow.field(i).name}:{glue_type(arrow.field(i).type)}" for i in range(arrow.num_fields))
        return f"struct<{fields}>"
    raise ValueError(f"no Glue type for parquet type {arrow}; add it to glue_type()")


def data_columns(dataset: Path) -> list[tuple[str, str]]:
    """(name, Glue type) of the columns in the dataset's parquet files, in file order; every file must agree."""
    files = sorted(dataset.rglob("*.parquet"))
    if not files:
        raise AssertionError(f"{dataset} holds no parquet file")
    schemas = {tuple((f.name, glue_type(f.type)) for f in pq.read_schema(path)) for path in files}
    if len(schemas) != 1:
        raise AssertionError(f"{dataset}: its parquet files disagree on the schema: {sorted(schemas)}")
    return list(schemas.pop())


def partition_keys(dataset: Path) -> list[str]:
    """The `k=v` directory keys above the data files, outermost first (the same in every branch of the tree)."""
    files = sorted(dataset.rglob("*.parquet")) or sorted(p for p in dataset.rglob("*") if p.is_file())
    orders = {tuple(part.split("=", 1)[0] for part in f.relative_to(dataset).parts[:-1] if "=" in part) for f in files}
    if len(orders) != 1:
        raise AssertionError(f"{dataset}: partition directories differ between files: {sorted(orders)}")
    return list(orders.pop())


def csv_header(dataset: Path) -> list[str]:
    """The header line of a single-csv dataset (compare's differences)."""
    files = sorted(dataset.glob("*.csv"))
    if len(files) != 1:
        raise AssertionError(f"{dataset}: expected one csv file, found {len(files)}")
    return files[0].read_text().splitlines()[0].split(",")


def assert_table_agrees(table: Table, output: Path) -> None:
    """The dataset the job wrote under `output` has the declared columns, in order, with the declared Glue types
    (csv: names only, csv carries no types), and the declared partition keys as its `k=v` directories."""
    dataset = output / table.dataset
    declared = [(c.name, c.glue_type) for c in table.columns]
    if table.format == "csv":
        assert csv_header(dataset) == [name for name, _ in declared], f"{table.name}: csv header differs"
        return
    written = data_columns(dataset)
    assert written == declared, f"{table.name}: written {written} != declared {declared}"
    assert partition_keys(dataset) == [p.name for p in table.partitions], f"{table.name}: partitions differ"


# A run record's JSON values per declared Glue type (json.loads gives int for bigint, float or int for double).
_JSON_VALUES = {"string": str, "bigint": int, "double": (float, int)}


def assert_record_agrees(table: Table, record_file: Path, absent_when_succeeded: frozenset[str]) -> None:
    """A _metrics.json has every declared column (but those a successful run does not write) with a value of the
    declared type, and sits in the declared partition directories (`_runs/date=D/`)."""
    record = json.loads(record_file.read_text())
    missing = [c.name for c in table.columns if c.name not in record and c.name not in absent_when_succeeded]
    assert not missing, f"{table.name}: {record_file} lacks {missing}"
    for column in table.columns:
        value = record.get(column.name)
        if value is None:
            continue
        if column.glue_type.startswith("map<"):
            assert isinstance(value, dict), f"{table.name}.{column.name}: {value!r} is not a JSON object"
            if column.glue_type == "map<string,bigint>":
                assert all(isinstance(v, int) for v in value.values()), f"{table.name}.{column.name}: {value!r}"
        else:
            expected = _JSON_VALUES[column.glue_type]
            assert isinstance(value, expected), f"{table.name}.{column.name}: {value!r} is not {column.glue_type}"
    keys = [part.split("=", 1)[0] for part in record_file.parent.parts if "=" in part]
    assert keys == [p.name for p in table.partitions], f"{table.name}: {record_file} is not under {table.partitions}"
