"""The layers contract (pyproject.toml, [tool.importlinter]) holds, and it fails on a deliberate upward import."""

from __future__ import annotations

import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
LINT = shutil.which("lint-imports", path=str(Path(sys.executable).parent))

pytestmark = pytest.mark.skipif(LINT is None, reason="import-linter is installed with the dev extras")


def lint() -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own linter on our own tree
        [LINT, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)


def test_the_layers_hold():
    result = lint()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Chuxin layers KEPT" in result.stdout


def test_an_upward_import_breaks_the_contract():
    """The kernel importing a work app, even inside a function, is caught and named."""
    probe = ROOT / "chuxin" / "core" / f"_upward_probe_{uuid.uuid4().hex[:8]}.py"
    probe.write_text("def sneaky():\n    from chuxin.plans import services  # noqa: F401\n")
    try:
        result = lint()
    finally:
        probe.unlink()
    assert result.returncode != 0
    assert "chuxin.core is not allowed to import chuxin.plans" in result.stdout
    assert probe.stem in result.stdout


def test_the_dependency_diagram_in_the_docs_is_current():
    result = subprocess.run(  # noqa: S603 - our own script on our own tree
        [sys.executable, str(ROOT / "scripts" / "dependency_diagram.py"), "--check"], cwd=ROOT, capture_output=True,
        text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
