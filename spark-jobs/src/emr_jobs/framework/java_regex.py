"""Regexes checked with the engine that runs them: Spark's rlike is java.util.regex, not Python's re.

`\\p{Lu}` is valid Java and invalid Python; `(?P<name>...)` is the reverse. Checking with Python would refuse the
first and let the second fail mid-job, so patterns are compiled by the session's own JVM when rules are parsed.
"""

from collections.abc import Callable

from pyspark.sql import SparkSession

# Returns None for a valid pattern, else a one-line description of what is wrong with it.
RegexChecker = Callable[[str], str | None]


def java_regex_checker(spark: SparkSession) -> RegexChecker:
    pattern_class = spark.sparkContext._jvm.java.util.regex.Pattern

    def problem(pattern: str) -> str | None:
        try:
            pattern_class.compile(pattern)
        except Exception as error:  # PatternSyntaxException, which pyspark re-raises as its IllegalArgumentException
            # Its message is "<reason> near index N", then the pattern and a caret: the first line says it.
            lines = [line.strip() for line in str(error).splitlines() if line.strip()]
            return f"{lines[0] if lines else type(error).__name__} (java.util.regex)"
        return None

    return problem
