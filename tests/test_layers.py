"""How the library is put together: no module reaches into another's private names."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "textlab"


def test_no_module_imports_another_modules_private_names():
    found = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        found.append(f"{path.relative_to(PACKAGE.parent)}: from {node.module} import {alias.name}")
    assert not found, found


def test_the_token_layer_is_one_module():
    """Text becomes ids in textlab/tokens.py: the streams are not defined anywhere else."""
    for path in PACKAGE.rglob("*.py"):
        if path.name == "tokens.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defined = {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
        assert not defined & {"char_stream", "word_stream", "hashed_lines", "Segmenter"}, path


def _raised_strings(tree: ast.AST) -> list[str]:
    """The string pieces of every raise statement (f-strings included)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None:
            for part in ast.walk(node.exc):
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    found.append(part.value)
    return found


def test_the_library_speaks_in_its_own_terms():
    """Library errors name the library's parameters; only textlab/cli/ knows the options (--dim, -n).

    tour.py is left out: its steps are command lines, as data."""
    import re

    option = re.compile(r"(^|[\s(`])(--[a-z][a-z-]*|-n\b)")
    found = []
    for path in PACKAGE.rglob("*.py"):
        if "cli" in path.relative_to(PACKAGE).parts or path.name == "tour.py":
            continue
        for text in _raised_strings(ast.parse(path.read_text(encoding="utf-8"))):
            if option.search(text):
                found.append(f"{path.relative_to(PACKAGE.parent)}: {text!r}")
    assert not found, found
