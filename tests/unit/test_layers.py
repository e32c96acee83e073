"""The policy engine is pure: it imports only the Python standard library (DESIGN.md, principle 1).

import-linter checks imports between warden's own packages; this test checks the rest of the
world, which import-linter does not see.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

POLICY_DIR = Path(__file__).resolve().parents[2] / "src" / "warden" / "policy"


def _imported_top_level_modules(source: str) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_policy_package_imports_only_the_standard_library() -> None:
    offenders: dict[str, set[str]] = {}
    for path in sorted(POLICY_DIR.rglob("*.py")):
        outside = {
            name
            for name in _imported_top_level_modules(path.read_text())
            if name not in sys.stdlib_module_names and name not in ("warden", "__future__")
        }
        if outside:
            offenders[str(path.relative_to(POLICY_DIR))] = outside
    assert offenders == {}


def test_policy_package_imports_no_other_warden_package() -> None:
    offenders: dict[str, set[str]] = {}
    for path in sorted(POLICY_DIR.rglob("*.py")):
        tree = ast.parse(path.read_text())
        bad = {
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            and node.level == 0
            and node.module
            and node.module.startswith("warden.")
            and not node.module.startswith("warden.policy")
        }
        if bad:
            offenders[str(path.relative_to(POLICY_DIR))] = bad
    assert offenders == {}
