"""The case tracker's tables: `aggregate` writes state_daily (the trackerDaily pipeline: --output
processed/tracker/<date>/), `compare` writes comparison and differences (processed/tracker-diff/<date>/).
Unpartitioned: the run's day is in the output prefix, not in a `k=v` directory."""

from emr_jobs.framework.tables import Column, Table

COMPARISON = (
    Column("date", "date"),
    Column("state", "string"),
    Column("region", "string", "from the official file"),
    Column("ours_cases", "bigint"),
    Column("theirs_cases", "bigint"),
    Column("ours_deaths", "bigint"),
    Column("theirs_deaths", "bigint"),
    Column("cases_delta", "bigint", "ours - theirs"),
    Column("deaths_delta", "bigint", "ours - theirs"),
    Column("cases_rel_delta", "double"),
    Column("deaths_rel_delta", "double"),
    Column("class", "string", "equal, changed, missing_ours or missing_theirs"),
)

TABLES = (
    Table(
        "tracker_state_daily",
        "aggregate",
        "state_daily",
        (
            Column("date", "date"),
            Column("state", "string"),
            Column("cases", "bigint"),
            Column("deaths", "bigint"),
            Column("cities", "bigint", "cities summed into the state's day"),
        ),
        (),
        "city-level daily counts summed per state and day",
    ),
    Table("tracker_comparison", "compare", "comparison", COMPARISON, (), "our state totals against the official file"),
    Table(
        "tracker_differences",
        "compare",
        "differences",
        COMPARISON,
        (),
        "the comparison's rows whose class is not equal; one csv file with a header line",
        format="csv",
    ),
)
