"""The README's examples with their output (``$ command`` then what it prints) must stay true.

Each ``$`` line that is a pipeline of textlab commands is run in-process, in
the project's root, and its standard output compared with the lines shown
under it. Lines that need the shell (a ``for`` loop) run under bash, with
the installed ``textlab`` command.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from .conftest import ROOT, SHARED, run_pipeline


def examples() -> list[tuple[str, str]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = []
    for block in re.findall(r"```sh\n(.*?)```", readme, flags=re.S):
        if not block.startswith("$ "):
            continue
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = chunk.partition("\n")
            found.append((command, output))
    return found


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    """A scratch directory that sees the bundled corpora: examples write their files here, not in the repo."""
    path = tmp_path_factory.mktemp("readme")
    (path / "corpora").symlink_to(ROOT / "corpora")
    return path


@pytest.mark.parametrize("command, output", examples(), ids=[c[:60] for c, _ in examples()])
def test_readme_example(run, monkeypatch, workdir, command, output):
    if "../shared/data/" in command:
        if not SHARED.exists():
            pytest.skip(f"shared data not found in {SHARED}")
        command = command.replace("../shared/data", str(SHARED))
    stages = command.split(" | ")
    if all(stage.startswith("textlab ") for stage in stages) and not any(s in command for s in (";", "&&", "$(")):
        monkeypatch.chdir(workdir)
        printed = run_pipeline(run, command)
    else:
        if shutil.which("textlab") is None:
            pytest.skip("a shell example: needs the textlab command on PATH (pip install -e .)")
        printed = subprocess.run(
            ["bash", "-c", command], cwd=workdir, capture_output=True, text=True, check=True
        ).stdout
    assert printed.rstrip("\n") == output.rstrip("\n")


def test_the_readme_has_examples():
    assert len(examples()) >= 6


def test_readme_python_example_runs(monkeypatch, capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```python\n(.*?)```", readme, flags=re.S).group(1)
    monkeypatch.chdir(ROOT)
    exec(compile(block, "README.md", "exec"), {})
    assert "['th', 'he', 'in', 'an', 'er']" in capsys.readouterr().out


def test_setup_runs_the_tour():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = readme[readme.index("## Set up") :]
    first, second = re.search(r"```sh\n(.*?)```", setup, flags=re.S).group(1).strip().splitlines()
    assert first.endswith("pip install . && textlab tour")  # a normal install: the wheel carries the corpora
    assert second == "pip install -e '.[test]' && python -m pytest"


def test_no_example_needs_files_beside_the_checkout():
    """Every command in the README runs from a fresh clone: none reads ../shared."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for block in re.findall(r"```(?:sh|python)\n(.*?)```", readme, flags=re.S):
        assert "../shared" not in block, block
