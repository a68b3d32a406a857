"""The `runs` table: one row per job run, read from the runs' _metrics.json (metrics.JobMetrics' record), so "how
many claims did we reject last week, and why" is one query.

Where the records are (run_output.metrics_path): a dated run (--date D) writes <output>/_runs/date=D/_metrics.json,
so `date` is that directory's partition key; an undated run overwrites <output>/_metrics.json, outside any
partition. The table's LOCATION (one per job's --output) is the infrastructure's to derive, as for the datasets.
Columns are the record keys every job writes; job-specific keys (parameters, picture, ...) are left out, and a key
a run did not write reads as null.
"""

from emr_jobs.framework.tables import Column, Table

RUNS = Table(
    "runs",
    "*",
    "_runs",
    (
        Column("job", "string", "the catalogue job name"),
        Column("status", "string", "succeeded or failed"),
        Column("started_at", "string", "UTC, yyyy-MM-ddTHH:mm:ssZ"),
        Column("finished_at", "string", "UTC, yyyy-MM-ddTHH:mm:ssZ"),
        Column("duration_seconds", "double", "elapsed wall-clock time of the run"),
        Column("input_rows", "bigint", "rows read in the run's scope"),
        Column("valid_rows", "bigint"),
        Column("rejected_rows", "bigint"),
        Column("rejected_by_reason", "map<string,bigint>", "reject_reason -> rows"),
        Column("findings", "map<string,string>", "what the job found (anomalies, flagged, diff classes) -> count"),
        Column("outputs", "map<string,struct<path:string,rows:bigint,rolled_back:boolean>>", "dataset -> where"),
        Column("error", "string", "the one line a failed run printed on stderr"),
    ),
    (Column("date", "string", "the run's --date, yyyy-MM-dd (from _runs/date=D/)"),),
    "one row per dated job run, from its _metrics.json",
    format="json",
)
