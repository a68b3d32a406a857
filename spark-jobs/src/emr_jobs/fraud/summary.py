"""The short human summary a run ends with (the full record is in _metrics.json, not dumped to the terminal)."""

from collections.abc import Mapping
from typing import Any


def summary_lines(record: Mapping[str, Any]) -> list[str]:
    rejected = record.get("rejected_by_reason") or {}
    reasons = ", ".join(f"{reason} {count}" for reason, count in rejected.items())
    lines = [
        f"rows read {record.get('input_rows', 0)}: scored {record.get('scored_rows', 0)}, "
        f"rejected {record.get('rejected_rows', 0)}" + (f" ({reasons})" if reasons else ""),
    ]
    flags = record.get("flags") or {}
    if flags:
        lines.append("flags: " + ", ".join(f"{name} {count}" for name, count in flags.items()))
    if "flagged" in record:
        lines.append(
            f"flagged {record['flagged']} (score >= {record['parameters']['min_fraud_score']}), "
            f"high risk {record['high_risk']} (score > 0.7), duplicates {record.get('duplicates', 0)}"
        )
    for name, output in (record.get("outputs") or {}).items():
        lines.append(f"  {name}: {output['rows']} rows -> {output['path']}")
    if record.get("picture"):
        lines.append(f"  picture: {record['picture']}")
    if "duration_seconds" in record:
        lines.append(f"{record.get('status', '?')} in {record['duration_seconds']} s")
    return lines
