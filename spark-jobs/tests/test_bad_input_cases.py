"""Every weak or bad case of the bad-input review (shared/reviews/jobs-bad-input.md, 2026-12) keeps a test run
through its job: a test_<case>_… function in the job's test_bad_input_*.py. Deleting or renaming one fails here."""

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
# The 32 cases the review rated weak or bad, by the job file that runs them.
CASES = {
    "test_bad_input_fraud.py": "F04 F06 F07 F07b F08 F09 F12 F13 F14 F15 F17a F18",
    "test_bad_input_dedup.py": "D05 D07 D09a D10",
    "test_bad_input_tracker.py": "A01 A04 A04b A04c A06 A08a A09b A10 A11 A12 C01 C03 C04 C04b C09 C10",
}


def _test_names(file_name: str) -> list[str]:
    tree = ast.parse((TESTS / file_name).read_text())
    return [node.name for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")]


def test_the_review_lists_32_cases():
    assert sum(len(ids.split()) for ids in CASES.values()) == 32


@pytest.mark.parametrize(("file_name", "case"), [(f, c) for f, ids in CASES.items() for c in ids.split()])
def test_each_case_has_a_test_in_its_job_file(file_name, case):
    names = _test_names(file_name)
    assert any(f"_{case}_" in f"_{name.removeprefix('test_')}" for name in names), f"no test_{case}_… in {file_name}"
