"""The rules file: a declared schema and a list of rules, validated in full before any data is read.

    {
      "columns": {"symbol": "string", "close": "double", "timestamp": "timestamp"},
      "rules": [
        {"name": "required", "type": "not_null", "columns": ["symbol", "timestamp"]},
        {"name": "close_positive", "type": "range", "column": "close", "min": 0, "min_inclusive": false},
        {"name": "symbol_format", "type": "regex", "column": "symbol", "pattern": "^[A-Z]{1,5}$"},
        {"name": "known_market", "type": "allowed_values", "column": "market", "values": ["NYSE", "NASDAQ"]},
        {"name": "one_bar_per_time", "type": "unique", "columns": ["symbol", "timestamp"]}
      ]
    }

Null values pass range, regex and allowed_values (not_null owns them); a range value that does not parse as the
column's declared type fails the rule. Regexes are Java regexes matched anywhere: anchor them for a full match.
"""

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from pyspark.sql.types import (
    BooleanType,
    DataType,
    DateType,
    DoubleType,
    IntegerType,
    LongType,
    StringType,
    TimestampType,
)

from emr_jobs.framework.exit_codes import JobError
from emr_jobs.framework.java_regex import RegexChecker

COLUMN_TYPES: dict[str, DataType] = {
    "string": StringType(),
    "double": DoubleType(),
    "int": IntegerType(),
    "long": LongType(),
    "boolean": BooleanType(),
    "date": DateType(),
    "timestamp": TimestampType(),
}
ORDERED_TYPES = ("double", "int", "long", "date", "timestamp")
RULE_TYPES = ("not_null", "range", "regex", "allowed_values", "unique")


@dataclass(frozen=True)
class Rule:
    name: str
    type: str
    columns: tuple[str, ...]
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleSet:
    columns: dict[str, str]  # name -> declared type name
    rules: tuple[Rule, ...]

    def schema(self) -> dict[str, DataType]:
        return {name: COLUMN_TYPES[type_name] for name, type_name in self.columns.items()}


def parse_rules(text: str, source: str, regex_problem: RegexChecker | None = None) -> RuleSet:
    """Every problem in the file at once, in one line.

    `regex_problem` checks a pattern with the engine that will run it (framework.java_regex.java_regex_checker:
    the session's JVM); without one, patterns are only checked to be non-empty strings."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise JobError(f"bad rules file {source}: not valid JSON ({error.msg} at line {error.lineno})") from None
    problems: list[str] = []
    if not isinstance(document, dict):
        raise JobError(f"bad rules file {source}: expected a JSON object with 'columns' and 'rules'")
    columns = _parse_columns(document.get("columns"), problems)
    rules = _parse_rule_list(document.get("rules"), columns, problems, regex_problem)
    if problems:
        raise JobError(f"bad rules file {source}: " + "; ".join(problems))
    return RuleSet(columns=columns, rules=tuple(rules))


def _parse_columns(raw: Any, problems: list[str]) -> dict[str, str]:
    if not isinstance(raw, dict) or not raw:
        problems.append("'columns' must be a non-empty object of column name -> type")
        return {}
    columns = {}
    for name, type_name in raw.items():
        if type_name not in COLUMN_TYPES:
            problems.append(
                f"column '{name}' has unknown type {type_name!r} (expected one of {', '.join(COLUMN_TYPES)})"
            )
        else:
            columns[name] = type_name
    return columns


def _parse_rule_list(
    raw: Any, columns: dict[str, str], problems: list[str], regex_problem: RegexChecker | None
) -> list[Rule]:
    if not isinstance(raw, list) or not raw:
        problems.append("'rules' must be a non-empty list")
        return []
    rules, seen = [], set()
    for index, item in enumerate(raw):
        label = f"rule #{index + 1}"
        if not isinstance(item, dict):
            problems.append(f"{label} must be an object")
            continue
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{label} needs a non-empty 'name'")
            continue
        label = f"rule '{name}'"
        if name in seen:
            problems.append(f"{label} is defined twice")
        seen.add(name)
        rule_type = item.get("type")
        if rule_type not in RULE_TYPES:
            problems.append(f"{label} has unknown type {rule_type!r} (expected one of {', '.join(RULE_TYPES)})")
            continue
        rule = _parse_rule(name, rule_type, item, columns, label, problems, regex_problem)
        if rule is not None:
            rules.append(rule)
    return rules


def _rule_columns(item: dict, rule_type: str, label: str, problems: list[str]) -> tuple[str, ...] | None:
    if rule_type in ("not_null", "unique"):
        names = item.get("columns")
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            problems.append(f"{label} needs 'columns': a non-empty list of column names")
            return None
        return tuple(names)
    name = item.get("column")
    if not isinstance(name, str):
        problems.append(f"{label} needs 'column': a column name")
        return None
    return (name,)


def _parse_rule(name, rule_type, item, columns, label, problems, regex_problem) -> Rule | None:
    names = _rule_columns(item, rule_type, label, problems)
    if names is None:
        return None
    unknown = [n for n in names if n not in columns]
    if unknown:
        problems.append(f"{label} refers to undeclared columns: {', '.join(unknown)}")
        return None
    params: dict[str, Any] = {}
    before = len(problems)
    if rule_type == "range":
        params = _range_params(item, columns[names[0]], label, problems)
    elif rule_type == "regex":
        pattern = item.get("pattern")
        if not isinstance(pattern, str) or not pattern:
            problems.append(f"{label} needs 'pattern': a regular expression")
        else:
            problem = regex_problem(pattern) if regex_problem is not None else None
            if problem is not None:
                problems.append(f"{label} has an invalid pattern {pattern!r}: {problem}")
            params = {"pattern": pattern}
    elif rule_type == "allowed_values":
        values = item.get("values")
        if not isinstance(values, list) or not values or any(isinstance(v, dict | list) or v is None for v in values):
            problems.append(f"{label} needs 'values': a non-empty list of scalars")
        else:
            params = {"values": [str(v) for v in values]}
    return Rule(name=name, type=rule_type, columns=names, params=params) if len(problems) == before else None


def _range_params(item: dict, type_name: str, label: str, problems: list[str]) -> dict[str, Any]:
    if type_name not in ORDERED_TYPES:
        problems.append(f"{label}: range needs a numeric, date or timestamp column, not {type_name}")
        return {}
    if item.get("min") is None and item.get("max") is None:
        problems.append(f"{label} needs 'min', 'max' or both")
        return {}
    params: dict[str, Any] = {}
    for bound in ("min", "max"):
        value = item.get(bound)
        if value is None:
            continue
        if not _bound_is_valid(value, type_name):
            problems.append(f"{label}: '{bound}' {value!r} is not a valid {type_name}")
        params[bound] = value
        inclusive = item.get(f"{bound}_inclusive", True)
        if not isinstance(inclusive, bool):
            problems.append(f"{label}: '{bound}_inclusive' must be true or false")
        params[f"{bound}_inclusive"] = inclusive
    return params


def _bound_is_valid(value: Any, type_name: str) -> bool:
    if type_name in ("double", "int", "long"):
        return isinstance(value, int | float) and not isinstance(value, bool)
    try:
        parse = dt.date.fromisoformat if type_name == "date" else dt.datetime.fromisoformat
        parse(str(value))
    except ValueError:
        return False
    return True
