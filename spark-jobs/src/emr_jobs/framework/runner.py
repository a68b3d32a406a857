"""Runs a job body and turns every failure into an exit code and a one-line reason (never a stack trace)."""

import sys
from collections.abc import Callable

from emr_jobs.framework.exit_codes import ExitCode, JobError

_MAX_REASON_CHARS = 500


def run_job(job_name: str, body: Callable[[], int]) -> int:
    try:
        return int(body())
    except SystemExit as exit_request:  # argparse's --help
        return int(exit_request.code or 0)
    except Exception as error:  # anything unexpected still ends as one line, not a traceback
        reason = error_line(error)
    print(f"{job_name}: ERROR: {reason}", file=sys.stderr, flush=True)
    return ExitCode.FATAL


def error_line(error: BaseException) -> str:
    """The one line run_job prints for `error` (after "<job>: ERROR: "); also recorded in _metrics.json."""
    return one_line(str(error) if isinstance(error, JobError) else describe_exception(error))


def describe_exception(error: BaseException) -> str:
    """The most useful single line of an exception, including Java exceptions raised through py4j."""
    java_exception = getattr(error, "java_exception", None)
    if java_exception is not None:
        try:
            return str(_root_cause(java_exception).toString())
        except Exception:  # the gateway may already be gone
            pass
    return f"{type(error).__name__}: {error}"


def _root_cause(java_exception, max_depth: int = 20):
    """The innermost cause: 'not a Parquet file' says more than 'Job aborted due to stage failure'."""
    for _ in range(max_depth):
        cause = java_exception.getCause()
        if cause is None:
            break
        java_exception = cause
    return java_exception


def one_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    first = lines[0] if lines else "unknown error"
    return first if len(first) <= _MAX_REASON_CHARS else first[: _MAX_REASON_CHARS - 3] + "..."
