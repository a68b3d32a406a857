"""The `runs` table: one row per dated job run, read from the run's record (metrics.JobMetrics' record), so "how
many claims did we reject last week, and why" is one query.

Where the rows are (run_output.run_record_path): a dated run (--date D) writes its record twice, as
<output>/_runs/date=D/_metrics.json for operators and alone as <output>/_runs/records/date=D/run.json for this table:
Athena skips files whose names start with _ (Hive's hidden files) and would read the PNG beside _metrics.json. So
`date` is that directory's partition key; an undated run writes only <output>/_metrics.json, outside any partition.
The table's LOCATION (one per job's --output) is the infrastructure's to derive, as for the datasets.
Columns are the record keys every job writes; job-specific keys (parameters, picture, ...) are left out, and a key
a run did not write reads as null.
"""

from emr_jobs.framework.tables import Column, Table

RUNS = Table(
    "runs",
    "*",
    "_runs/records",
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
    (Column("date", "string", "the run's --date, yyyy-MM-dd (from _runs/records/date=D/)"),),
    "one row per dated job run, from its record (_runs/records/date=D/run.json)",
    format="json",
)
