"""The tracker's tables: the columns each reads, how each column's text is read (intake Fields), and their keys."""

from emr_jobs.framework.intake import Field

METRICS = ("cases", "deaths")
COUNT_LABEL = "count"  # cases and deaths share their reasons: null_count, unparsable_count, negative_count

# A date is YYYY-MM-DD, a real day, from 1900-01-01 to tomorrow (out_of_range_date otherwise); a state is upper-cased
# so `sp` and `SP` are one state, and a control or format character inside it (`S\u200bP`) is unparsable_state.
_DATE = Field("date", "date", required=True)
_STATE = Field("state", "text", required=True, upper=True)
# A count is a whole number of at most 18 digits (`21.0`, as pandas writes a whole double, included).
_COUNTS = tuple(Field(metric, "whole", required=True, label=COUNT_LABEL) for metric in METRICS)

# City-level daily rows, the aggregate job's input.
CITY_FIELDS = (_DATE, _STATE, Field("city", "text"), Field("code", "text"), *_COUNTS)
CITY_COLUMNS = tuple(field.name for field in CITY_FIELDS)
CITY_REQUIRED = ("date", "state", "cases", "deaths")
CITY_KEY = ("date", "state", "city", "code")

# State-level daily totals: our aggregate (state_daily/) and the official file (which adds region).
STATE_FIELDS = (_DATE, Field("region", "text"), _STATE, *_COUNTS)
STATE_COLUMNS = tuple(field.name for field in STATE_FIELDS)
STATE_REQUIRED = ("date", "state", "cases", "deaths")
STATE_KEY = ("date", "state")
