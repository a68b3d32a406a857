"""Column names every intake reader adds to the text columns it returns.

Only these two constants live here on branch intake-values: the reading half (read_table, declared_columns, ...)
lands from branch intake-read, which owns this file.
"""

MALFORMED_COLUMN = "_malformed"  # boolean: the record did not parse (bad csv quoting, bad json line, ...)
RAW_RECORD_COLUMN = "raw_record"  # string: the original line of a malformed csv/json record, else null
