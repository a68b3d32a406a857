"""What a job needs at run time beyond Spark, read from the code instead of declared: EMR Serverless's own image runs
Python 3.9 without pandas, so the CLI and the pipelines refuse such jobs there until the jobs' image exists.

Each fact holds for a job when its module, or any emr_jobs module it imports transitively, shows it:
- needs pandas: imports pandas or pyarrow (at any depth, also inside a function), or calls a Spark API that hands
  data to pandas (toPandas, applyInPandas[WithState], mapInPandas, pandas_udf);
- needs Python 3.10: syntax newer than 3.9, or `X | Y` types that Python 3.9 evaluates and rejects: in a
  signature's or a class's annotations (evaluated at definition unless the module has `from __future__ import
  annotations`) and in isinstance/issubclass. A lower bound: it finds the usual forms, not every one.
"""

import ast
from functools import cache
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent
PANDAS_MODULES = frozenset({"pandas", "pyarrow"})
PANDAS_APIS = frozenset({"toPandas", "applyInPandas", "applyInPandasWithState", "mapInPandas", "pandas_udf"})
# EMR Serverless's own Spark image of emr-7 ("Using different Python versions with EMR Serverless").
EMR_IMAGE_PYTHON = (3, 9)


def _module_file(module: str) -> Path | None:
    base = PACKAGE_ROOT.joinpath(*module.split(".")[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _has_union(node: ast.AST | None) -> bool:
    return node is not None and any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.BitOr) for n in ast.walk(node))


def _evaluated_annotations(tree: ast.Module) -> list[ast.AST]:
    """Annotations Python evaluates when the module runs: signatures, and module and class bodies."""
    found: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            args = node.args
            every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
            found += [a.annotation for a in every if a is not None and a.annotation is not None]
            if node.returns is not None:
                found.append(node.returns)
        elif isinstance(node, ast.Module | ast.ClassDef):
            found += [s.annotation for s in node.body if isinstance(s, ast.AnnAssign)]
    return found


@cache
def _facts(module: str) -> tuple[frozenset[str], str | None, str | None]:
    """The emr_jobs modules `module` imports; why it needs pandas; why it needs Python 3.10 (None: it does not)."""
    file = _module_file(module)
    if file is None:
        return frozenset(), None, None
    source = file.read_text()
    tree = ast.parse(source, filename=str(file))
    local: set[str] = set()
    pandas: str | None = None
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in PANDAS_MODULES:
                    pandas = pandas or f"{module} imports {alias.name}"
                if alias.name.startswith("emr_jobs."):
                    local.add(alias.name)
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] in PANDAS_MODULES:
                pandas = pandas or f"{module} imports {node.module}"
            if any(alias.name in PANDAS_APIS for alias in node.names):
                pandas = pandas or f"{module} uses pandas_udf"
            if node.module == "emr_jobs" or node.module.startswith("emr_jobs."):
                local.add(node.module)
                # `from emr_jobs.financial import picture` imports a module, not a name
                local.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Attribute) and node.attr in PANDAS_APIS:
            pandas = pandas or f"{module} calls {node.attr}"
    return frozenset(local), pandas, _newer_python(module, source, tree)


def _newer_python(module: str, source: str, tree: ast.Module) -> str | None:
    try:
        ast.parse(source, feature_version=EMR_IMAGE_PYTHON)
    except SyntaxError as err:
        return f"{module} line {err.lineno} uses syntax Python 3.9 lacks ({err.msg})"
    postponed = any(
        isinstance(n, ast.ImportFrom) and n.module == "__future__" and any(a.name == "annotations" for a in n.names)
        for n in tree.body
    )
    if not postponed and any(_has_union(a) for a in _evaluated_annotations(tree)):
        return f"{module} has `X | Y` annotations that Python 3.9 evaluates and rejects"
    for node in ast.walk(tree):
        is_check = isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        if (
            is_check
            and node.func.id in ("isinstance", "issubclass")
            and len(node.args) == 2
            and _has_union(node.args[1])
        ):
            return f"{module} line {node.lineno} passes an `X | Y` type to {node.func.id}, which Python 3.9 rejects"
    return None


def _closure(module: str) -> list[str]:
    """`module` and every emr_jobs module it imports, transitively, in a stable order."""
    seen: list[str] = []
    pending = [module]
    while pending:
        current = pending.pop(0)
        if current in seen:
            continue
        seen.append(current)
        pending.extend(sorted(_facts(current)[0] - set(seen)))
    return seen


def pandas_reason(module: str) -> str | None:
    return next((r for m in _closure(module) if (r := _facts(m)[1])), None)


def needs_pandas(module: str) -> bool:
    return pandas_reason(module) is not None


def emr_image_blocker(module: str) -> str | None:
    """Why EMR Serverless's own image (Python 3.9, no pandas) cannot run the job, or None when it can."""
    return pandas_reason(module) or next((r for m in _closure(module) if (r := _facts(m)[2])), None)
