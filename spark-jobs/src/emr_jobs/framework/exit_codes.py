"""Process exit codes every job uses, so a step's outcome is readable from its status alone."""

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FATAL = 1  # the job could not run: bad arguments, missing input, unreadable data
    QUALITY_GATE_FAILED = 2  # the job ran and the data failed its checks; CANCEL_AND_WAIT stops the pipeline


class JobError(Exception):
    """An expected failure; its message is the one-line reason an operator reads."""
