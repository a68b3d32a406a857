"""Which jobs need pandas at run time, read from the code instead of declared: EMR Serverless's own image runs
Python 3.9 without pandas, so the CLI and the pipelines refuse those jobs there until the jobs' image exists.

A module needs pandas when it imports pandas or pyarrow (at any depth, also inside a function), or calls a Spark API
that hands data to pandas (toPandas, applyInPandas, mapInPandas, pandas_udf); a job needs it when its module or any
emr_jobs module it imports, transitively, does.
"""

import ast
from functools import cache
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent
PANDAS_MODULES = frozenset({"pandas", "pyarrow"})
PANDAS_APIS = frozenset({"toPandas", "applyInPandas", "mapInPandas", "pandas_udf"})


def _module_file(module: str) -> Path | None:
    parts = module.split(".")[1:]
    base = PACKAGE_ROOT.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imports_and_uses(module: str) -> tuple[set[str], bool]:
    """The emr_jobs modules `module` imports, and whether it uses pandas itself."""
    file = _module_file(module)
    if file is None:
        return set(), False
    tree = ast.parse(file.read_text(), filename=str(file))
    local: set[str] = set()
    uses = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                uses |= alias.name.split(".")[0] in PANDAS_MODULES
                if alias.name.startswith("emr_jobs."):
                    local.add(alias.name)
        elif isinstance(node, ast.ImportFrom) and node.module:
            uses |= node.module.split(".")[0] in PANDAS_MODULES
            uses |= any(alias.name in PANDAS_APIS for alias in node.names)
            if node.module == "emr_jobs" or node.module.startswith("emr_jobs."):
                local.add(node.module)
                # `from emr_jobs.financial import picture` imports a module, not a name
                local.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Attribute) and node.attr in PANDAS_APIS:
            uses = True
    return local, uses


@cache
def needs_pandas(module: str) -> bool:
    seen: set[str] = set()
    pending = [module]
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        imported, uses = _imports_and_uses(current)
        if uses:
            return True
        pending.extend(imported - seen)
    return False
