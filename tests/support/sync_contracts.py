"""Rewrite the feature-derived parts of the import-linter contracts in pyproject.toml.

Run `python tests/support/sync_contracts.py` after adding a feature package or a module to one:
it lists every feature in `consult.core`'s forbidden modules and in the `feature-layers`
containers, puts every module between forms and models into the middle layer, and writes one
`no-foreign-views-or-forms-<feature>` contract per feature. Branches that add features then
never conflict by hand on these lines: take either side and run this again.
`tests/unit/test_architecture.py` fails when the file differs from what this writes.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = ROOT / "pyproject.toml"
NOT_FEATURES = {"core", "migrations", "templates", "static"}
VIEW_MODULES = ("views", "public_views", "staff_views")
VIEW_AND_FORM_MODULES = (*VIEW_MODULES, "forms")
# Channel registrations are leaves that models import too: left outside the layers.
LEAVES = {"sources", "channel", "channels"}
OUTSIDE_MIDDLE = {*VIEW_AND_FORM_MODULES, *LEAVES, "models", "__init__"}
CORE_ALSO_FORBIDDEN = ("consult.cli", "consult.wsgi", "worker.tasks", "worker.celery_app")
FOREIGN_MARKER = '[[tool.importlinter.contracts]]\nid = "no-foreign-views-or-forms-'


def features() -> list[str]:
    return sorted(
        path.name
        for path in (ROOT / "consult").iterdir()
        if (path / "__init__.py").exists() and path.name not in NOT_FEATURES
    )


def view_and_form_modules(feature: str) -> list[str]:
    return [
        f"consult.{feature}.{name}"
        for name in VIEW_AND_FORM_MODULES
        if (ROOT / "consult" / feature / f"{name}.py").exists()
    ]


def middle_modules(names: list[str]) -> list[str]:
    """Module and subpackage names directly inside features that sit between forms and models."""
    found: set[str] = set()
    for feature in names:
        for path in (ROOT / "consult" / feature).iterdir():
            if path.suffix == ".py" and path.stem not in OUTSIDE_MIDDLE:
                found.add(path.stem)
            elif path.is_dir() and (path / "__init__.py").exists() and path.name not in LEAVES:
                found.add(path.name)
    return sorted(found)


def _toml_list(items: list[str], indent: bool) -> str:
    if not indent:
        return "[" + ", ".join(f'"{item}"' for item in items) + "]"
    return "[\n" + "".join(f'  "{item}",\n' for item in items) + "]"


def _replace_list(text: str, contract_id: str, key: str, items: list[str]) -> str:
    pattern = re.compile(rf'(id = "{re.escape(contract_id)}"\n(?:(?!\[\[).*\n)*?{key} = )\[[^\]]*\]', re.M)
    text, count = pattern.subn(lambda m: m.group(1) + _toml_list(items, indent=True), text, count=1)
    if count != 1:
        raise SystemExit(f"{contract_id}.{key} not found in pyproject.toml")
    return text


def foreign_contracts(names: list[str]) -> str:
    blocks = []
    for feature in names:
        forbidden = [module for other in names if other != feature for module in view_and_form_modules(other)]
        blocks.append(
            "[[tool.importlinter.contracts]]\n"
            f'id = "no-foreign-views-or-forms-{feature}"\n'
            f'name = "consult.{feature} imports no other feature\'s views or forms"\n'
            'type = "forbidden"\n'
            f'source_modules = ["consult.{feature}"]\n'
            f"forbidden_modules = {_toml_list(forbidden, indent=False)}\n"
        )
    return "\n".join(blocks)


def synced(text: str) -> str:
    names = features()
    modules = [f"consult.{name}" for name in names]
    text = _replace_list(text, "core-imports-no-feature", "forbidden_modules", [*modules, *CORE_ALSO_FORBIDDEN])
    text = _replace_list(text, "feature-layers", "containers", modules)
    middle = " : ".join(f"({name})" for name in middle_modules(names))
    text, count = re.subn(
        r'^(  "\(forms\)",\n(?:  #.*\n)*)  "[^"\n]*",$', lambda m: f'{m.group(1)}  "{middle}",', text, count=1, flags=re.M
    )
    if count != 1:
        raise SystemExit("the middle layer of feature-layers (the line after (forms)) not found")
    head = text[: text.index(FOREIGN_MARKER)] if FOREIGN_MARKER in text else text.rstrip("\n") + "\n\n"
    return head + foreign_contracts(names)


def main() -> int:
    current = PYPROJECT.read_text(encoding="utf-8")
    wanted = synced(current)
    if "--check" in sys.argv:
        return 0 if wanted == current else 1
    PYPROJECT.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
