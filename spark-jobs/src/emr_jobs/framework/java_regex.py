"""Regexes checked with the engine that runs them: Spark's rlike is java.util.regex, not Python's re.

`\\p{Lu}` is valid Java and invalid Python; `(?P<name>...)` is the reverse. Checking with Python would refuse the
first and let the second fail mid-job, so patterns are compiled by the session's own JVM when rules are parsed.
"""

from collections.abc import Callable

from py4j.protocol import Py4JJavaError
from pyspark.sql import SparkSession

# Returns None for a valid pattern, else a one-line description of what is wrong with it.
RegexChecker = Callable[[str], str | None]


def java_regex_checker(spark: SparkSession) -> RegexChecker:
    pattern_class = spark.sparkContext._jvm.java.util.regex.Pattern

    def problem(pattern: str) -> str | None:
        try:
            pattern_class.compile(pattern)
        except Py4JJavaError as error:
            java = error.java_exception
            # PatternSyntaxException: getDescription() is the reason alone, getIndex() where it was found.
            try:
                return f"{java.getDescription()} near index {java.getIndex()} (java.util.regex)"
            except Exception:
                return str(java.toString())
        return None

    return problem
