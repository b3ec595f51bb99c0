"""Architecture rules: import-linter contracts, no import cycles, module and function sizes, no imports inside functions.

The layer rules live as import-linter contracts in pyproject.toml ([tool.importlinter]);
docs/architecture.md explains them. The allowlists below name every known exception with its
reason; entries marked "pending" are offences that another branch removes, and each list fails
when one of its entries no longer offends, so that it is emptied rather than left to rot.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
CONTRACTS = {c["id"]: c for c in PYPROJECT["tool"]["importlinter"]["contracts"]}
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

# Packages inside consult/ that are not features.
NOT_FEATURES = {"core", "migrations", "templates", "static"}
VIEW_AND_FORM_MODULES = ("views", "public_views", "staff_views", "forms")

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60

# ------------------------------------------------------------------ allowlists
# Modules over 400 lines. Pending: the analysis split (pipeline.py, clauses.py, campaigns.py)
# on its own branch brings both under the limit; the lead empties this when merging it.
LONG_MODULES: dict[str, str] = {}

# Functions over 60 lines, as (path, qualified name).
LONG_FUNCTIONS: dict[tuple[str, str], str] = {}

# Imports inside a function in consult/, as (path, function, imported module): the reason.
LAZY_IMPORTS: dict[tuple[str, str, str], str] = {
    # Kept lazy on purpose: heavy libraries that only one rare path needs, so that every web
    # process does not load them at start.
    ("consult/cli.py", "run_command", "werkzeug.serving"): "only `consult run` serves with werkzeug",
    ("consult/cli.py", "evaluate_command", "worker.analysis.evaluate"): "numpy/scikit-learn, one command",
    ("consult/cli.py", "benchmark_command", "benchmarks.digest_benchmark"): "benchmarks/ is not in the wheel",
    ("consult/core/files/documents.py", "_docx_text", "docx"): "python-docx + lxml, only for .docx uploads",
    ("consult/core/files/documents.py", "_docx_text", "docx.table"): "python-docx + lxml, only for .docx uploads",
    ("consult/core/files/documents.py", "_docx_text", "docx.text.paragraph"): "python-docx + lxml, only for .docx uploads",
    ("consult/digests/reports.py", "docx_report", "docx"): "python-docx + lxml, only for a report download",
    ("consult/digests/reports.py", "_a4", "docx.oxml.ns"): "python-docx + lxml, only for a report download",
    ("consult/digests/reports.py", "_a4", "docx.shared"): "python-docx + lxml, only for a report download",
    ("consult/experts/report.py", "docx", "docx"): "python-docx + lxml, only for a report download",
    ("consult/core/files/spreadsheets.py", "_xlsx_rows", "openpyxl"): "openpyxl, only for .xlsx uploads",
    ("consult/core/files/spreadsheets.py", "write_xlsx", "openpyxl"): "openpyxl, only for .xlsx exports",
    ("consult/core/files/spreadsheets.py", "write_xlsx", "openpyxl.cell"): "openpyxl, only for .xlsx exports (typed number cells)",
    ("consult/digests/engine.py", "store_rows", "consult.digests"): "page_data imports plan_scope, which the engine imports: a cycle at module level",
    ("consult/digests/engine.py", "store_rows", "consult.plans.models"): "only where a plan digest finishes (the engine serves every scope)",
    ("consult/demo/comments.py", "_s2t", "opencc"): "OpenCC dictionaries, only while generating demo data",
    ("consult/core/files/pdf.py", "OfficePdf.__init__", "fpdf"): "fpdf2 + Pillow + fontTools (~1 s), only for a PDF download",
    ("consult/core/files/pdf.py", "_char_wrap", "fpdf.enums"): "fpdf2, only for a PDF download",
    ("consult/core/files/pdf.py", "face_index", "fontTools.ttLib"): "fontTools, only to pick a face of a font collection for a PDF",
    ("consult/evaluation/annual.py", "xlsx", "openpyxl"): "openpyxl, only for the 年报 download",
    ("consult/evaluation/annual.py", "docx", "docx"): "python-docx + lxml, only for the 年报 download",
    # The pipeline itself pulls in numpy/scikit-learn: only the build imports it (result types come
    # from worker.analysis.results at module level).
    ("consult/digests/engine.py", "build", "worker.analysis.pipeline"): "numpy/scikit-learn, only where a worker builds a digest",
    # Pending, no reason at all (cheap modules, no cycle): hoist to module level when merging.
    ("consult/digests/reports.py", "analyze_table", "worker.analysis.segment"): "pending: hoist",
    ("consult/staff/dictionary.py", "add_word", "worker.analysis.normalise"): "pending: hoist",
    ("consult/surveys/results.py", "_texts", "worker.analysis.normalise"): "pending: hoist",
}

# Import edges that close a cycle between modules (importer, imported).
CYCLE_EDGES: dict[tuple[str, str], str] = {}


# ------------------------------------------------------------------ helpers
def features() -> list[str]:
    return sorted(
        path.name
        for path in (ROOT / "consult").iterdir()
        if (path / "__init__.py").exists() and path.name not in NOT_FEATURES
    )


def view_and_form_modules(feature: str) -> set[str]:
    return {
        f"consult.{feature}.{name}"
        for name in VIEW_AND_FORM_MODULES
        if (ROOT / "consult" / feature / f"{name}.py").exists()
    }


def source_files(*tops: str) -> list[Path]:
    return sorted(
        path
        for top in tops
        for path in (ROOT / top).rglob("*.py")
        if "migrations" not in path.parts and "__pycache__" not in path.parts
    )


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def functions(tree: ast.AST) -> list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    """Every function and method with its qualified name (Class.method, outer.inner)."""
    found: list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                found.append((prefix + child.name, child))
                visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            else:
                visit(child, prefix)

    visit(tree, "")
    return found


def run_lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), str(cwd / "pyproject.toml"), "--no-cache"],
        cwd=cwd,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def broken_contract_names(output: str) -> set[str]:
    return {line[: -len(" BROKEN")].strip() for line in output.splitlines() if line.endswith(" BROKEN")}


# ------------------------------------------------------------------ import-linter contracts
def test_import_contracts_are_kept():
    result = run_lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


def test_every_feature_is_under_the_contracts():
    """A new feature package is covered only once it is listed: this fails until it is."""
    names = features()
    assert {"plans", "surveys", "digests", "accounts"} <= set(names)
    core_forbidden = set(CONTRACTS["core-imports-no-feature"]["forbidden_modules"])
    containers = set(CONTRACTS["feature-layers"]["containers"])
    for feature in names:
        assert f"consult.{feature}" in core_forbidden, feature
        assert f"consult.{feature}" in containers, feature
        contract = CONTRACTS[f"no-foreign-views-or-forms-{feature}"]
        assert contract["source_modules"] == [f"consult.{feature}"]
        expected = set().union(*(view_and_form_modules(other) for other in names if other != feature))
        assert set(contract["forbidden_modules"]) == expected, feature


def test_contracts_match_the_feature_packages():
    """The feature-derived contract lists are what tests/support/sync_contracts.py writes."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "support" / "sync_contracts.py"), "--check"], capture_output=True, timeout=60
    )
    assert result.returncode == 0, "pyproject.toml contracts are stale: run python tests/support/sync_contracts.py"


def test_analysis_contract_forbids_the_frameworks():
    forbidden = set(CONTRACTS["analysis-is-pure"]["forbidden_modules"])
    assert {"flask", "celery", "sqlalchemy", "flask_sqlalchemy", "flask_wtf", "consult", "worker.tasks"} <= forbidden
    assert PYPROJECT["tool"]["importlinter"]["include_external_packages"] is True


@pytest.fixture(scope="module")
def source_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """consult/ and worker/ (code only) with pyproject.toml, to break on purpose."""
    copy = tmp_path_factory.mktemp("layers")
    ignore = shutil.ignore_patterns("templates", "static", "migrations", "__pycache__", "*.json", "*.txt")
    for top in ("consult", "worker"):
        shutil.copytree(ROOT / top, copy / top, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    return copy


# (module file, line to append, the contract that must break)
VIOLATIONS = [
    ("consult/core/text.py", "import consult.plans.models", "core-imports-no-feature"),
    ("worker/analysis/normalise.py", "import flask", "analysis-is-pure"),
    ("worker/analysis/lottery.py", "from sqlalchemy import select", "analysis-is-pure"),
    ("worker/analysis/lottery.py", "import consult.extensions", "analysis-is-pure"),
    ("consult/plans/operations.py", "from consult.surveys import forms", "no-foreign-views-or-forms-plans"),
    ("consult/hearings/operations.py", "import consult.accounts.views", "no-foreign-views-or-forms-hearings"),
    ("consult/plans/models.py", "import consult.plans.operations", "feature-layers"),
    ("consult/surveys/results.py", "import consult.surveys.forms", "feature-layers"),
    ("consult/accounts/forms.py", "import consult.accounts.views", "feature-layers"),
]


@pytest.mark.parametrize(("module", "line", "contract_id"), VIOLATIONS, ids=[v[0] + ":" + v[1] for v in VIOLATIONS])
def test_contracts_catch_a_violation(source_copy, module, line, contract_id):
    target = source_copy / module
    original = target.read_text(encoding="utf-8")
    target.write_text(original + f"\n{line}  # noqa\n", encoding="utf-8")
    try:
        result = run_lint_imports(source_copy)
    finally:
        target.write_text(original, encoding="utf-8")
    assert result.returncode != 0, result.stdout
    assert CONTRACTS[contract_id]["name"] in broken_contract_names(result.stdout), result.stdout


def test_the_untouched_copy_keeps_every_contract(source_copy):
    """The copy itself is sound, so the failures above come from the injected lines."""
    result = run_lint_imports(source_copy)
    assert result.returncode == 0, result.stdout + result.stderr


# ------------------------------------------------------------------ cycles
def import_cycles(graph: grimp.ImportGraph, skip: set[tuple[str, str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    edges = {
        module: sorted(graph.find_modules_directly_imported_by(module) - {m for (a, m) in skip if a == module})
        for module in graph.modules
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(edges[start]))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges.get(child, ()))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    cycles.append(sorted(component))
    return cycles


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    # Imports inside functions count: such an import still closes a cycle.
    return grimp.build_graph("consult", "worker", exclude_type_checking_imports=True)


def test_no_import_cycles_between_modules(graph):
    assert import_cycles(graph, set(CYCLE_EDGES)) == []


def test_cycle_allowlist_is_current(graph):
    for importer, imported in CYCLE_EDGES:
        assert graph.direct_import_exists(importer=importer, imported=imported), (importer, imported)
    if CYCLE_EDGES:  # empty since the digest engine removed the last cycle
        assert import_cycles(graph, set()) != [], "no cycle left: empty CYCLE_EDGES"


def test_cycle_finder_finds_a_cycle():
    graph = grimp.ImportGraph()
    for a, b in [("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.c", "p.d")]:
        graph.add_import(importer=a, imported=b)
    assert import_cycles(graph, set()) == [["p.a", "p.b", "p.c"]]
    assert import_cycles(graph, {("p.c", "p.a")}) == []


# ------------------------------------------------------------------ sizes
def test_no_module_over_400_lines():
    lines = {relative(path): len(path.read_text(encoding="utf-8").splitlines()) for path in source_files("consult", "worker")}
    # Demo content is data (consult/demo/), not logic: it may be long.
    too_long = {name: n for name, n in lines.items() if n > MAX_MODULE_LINES and not name.startswith("consult/demo/")}
    assert set(too_long) - set(LONG_MODULES) == set(), too_long
    assert set(LONG_MODULES) <= set(too_long), "stale LONG_MODULES entries: remove them"


def test_no_function_over_60_lines():
    too_long: dict[tuple[str, str], int] = {}
    for path in source_files("consult", "worker"):
        for name, node in functions(ast.parse(path.read_text(encoding="utf-8"))):
            lines = node.end_lineno - node.lineno + 1  # from `def` to its last line
            if lines > MAX_FUNCTION_LINES:
                too_long[(relative(path), name)] = lines
    assert set(too_long) - set(LONG_FUNCTIONS) == set(), too_long
    assert set(LONG_FUNCTIONS) <= set(too_long), "stale LONG_FUNCTIONS entries: remove them"


def imports_inside_functions(path: Path) -> set[tuple[str, str, str]]:
    found: set[tuple[str, str, str]] = set()
    for name, node in functions(ast.parse(path.read_text(encoding="utf-8"))):
        for inner in ast.walk(node):
            if isinstance(inner, ast.Import):
                found |= {(relative(path), name, alias.name) for alias in inner.names}
            elif isinstance(inner, ast.ImportFrom):
                module = "." * inner.level + (inner.module or "")
                found.add((relative(path), name, module))
    return found


def test_no_import_inside_a_function_in_consult():
    found = set().union(*(imports_inside_functions(path) for path in source_files("consult")))
    assert found - set(LAZY_IMPORTS) == set(), sorted(found - set(LAZY_IMPORTS))
    assert set(LAZY_IMPORTS) <= found, f"stale LAZY_IMPORTS entries: {sorted(set(LAZY_IMPORTS) - found)}"
