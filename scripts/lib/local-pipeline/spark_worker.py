"""A long-lived local Spark driver for the local pipeline runner (scripts/lib/local-pipeline/spark.ts).

Reads one JSON request per line on stdin ({"entrypoint": path, "argv": [...]}) and runs the entry point as
`python <entrypoint> argv…` would (runpy, __name__ == "__main__"), in this process, so every job reuses the one
SparkSession the first job created (emr_jobs.framework.session.build_spark_session: getOrCreate). The jobs never
stop the session. Each job's stdout and stderr are captured; the answer is one JSON line on the protocol stream
(the original stdout; fd 1 itself is pointed at stderr so nothing else can write on the protocol).

LOCAL_PIPELINE_TIMINGS=<file> appends one JSON line per job (entry point, arguments, seconds, exit code) and one for
the worker's start, to see where a local run's time goes.
"""

import contextlib
import io
import json
import os
import runpy
import sys
import time
import traceback

protocol = os.fdopen(os.dup(1), "w", buffering=1)
os.dup2(2, 1)


class Tee(io.TextIOBase):
    """Captures a job's output; the text also goes to the worker's stderr, which the runner keeps as the log."""

    def __init__(self, sink):
        self.buffer_ = io.StringIO()
        self.sink = sink

    def write(self, text):
        self.buffer_.write(text)
        self.sink.write(text)
        return len(text)

    def flush(self):
        self.sink.flush()


def exit_code_of(request: SystemExit) -> int:
    code = request.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def run(entrypoint: str, argv: list[str]) -> dict:
    out, err = Tee(sys.__stderr__), Tee(sys.__stderr__)
    started = time.monotonic()
    saved_argv = sys.argv
    sys.argv = [entrypoint, *argv]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            runpy.run_path(entrypoint, run_name="__main__")
            code = 0
        except SystemExit as request:
            code = exit_code_of(request)
        except BaseException:  # a job that escapes its own runner: what python would print, exit 1
            traceback.print_exc()
            code = 1
        finally:
            sys.argv = saved_argv
    # Cached frames of one job must not hold the next job's memory.
    with contextlib.suppress(Exception):
        from pyspark.sql import SparkSession

        active = SparkSession.getActiveSession()
        if active is not None:
            active.catalog.clearCache()
    return {
        "exit_code": code,
        "stdout": out.buffer_.getvalue(),
        "stderr": err.buffer_.getvalue(),
        "seconds": time.monotonic() - started,
    }


def record_timing(entry: dict) -> None:
    """One JSON line on LOCAL_PIPELINE_TIMINGS, when set (several workers may append to the same file)."""
    target = os.environ.get("LOCAL_PIPELINE_TIMINGS")
    if target:
        with open(target, "a", encoding="utf-8") as log:
            log.write(json.dumps({"pid": os.getpid(), "at": round(time.time(), 3), **entry}) + "\n")


def main() -> None:
    record_timing({"event": "worker-ready"})
    protocol.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        result = run(request["entrypoint"], request["argv"])
        record_timing(
            {
                "entrypoint": os.path.basename(request["entrypoint"]),
                "argv": request["argv"],
                "seconds": round(result["seconds"], 3),
                "exit_code": result["exit_code"],
            }
        )
        protocol.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
