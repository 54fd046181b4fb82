"""The layers contract (pyproject.toml, [tool.importlinter]) holds, and it fails on a deliberate upward import."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
LINT = shutil.which("lint-imports", path=str(Path(sys.executable).parent))

pytestmark = pytest.mark.skipif(LINT is None, reason="import-linter is installed with the dev extras")


# The probes below add a module to the tree for a moment: a lint run in another test worker must not see it.
LOCK = Path(tempfile.gettempdir()) / f"chuxin-layers-{hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]}.lock"


@contextlib.contextmanager
def tree_to_myself() -> Iterator[None]:
    with LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def lint() -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own linter on our own tree
        [LINT, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)


def lint_with(probe: Path, text: str) -> subprocess.CompletedProcess:
    """Lint the tree with `probe` added to it."""
    with tree_to_myself():
        probe.write_text(text)
        try:
            return lint()
        finally:
            probe.unlink()


def test_the_layers_hold():
    with tree_to_myself():
        result = lint()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Chuxin layers KEPT" in result.stdout


def test_an_upward_import_breaks_the_contract():
    """The kernel importing a work app, even inside a function, is caught and named."""
    probe = ROOT / "chuxin" / "core" / f"_upward_probe_{uuid.uuid4().hex[:8]}.py"
    result = lint_with(probe, "def sneaky():\n    from chuxin.plans import services  # noqa: F401\n")
    assert result.returncode != 0
    assert "chuxin.core is not allowed to import chuxin.plans" in result.stdout
    assert probe.stem in result.stdout


def test_a_product_module_cannot_import_the_test_builders():
    """chuxin.testing builds worlds across every app for the tests: it sits above the portal, out of the product's
    reach."""
    probe = ROOT / "chuxin" / "portal" / f"_testing_probe_{uuid.uuid4().hex[:8]}.py"
    result = lint_with(probe, "from chuxin.testing import make_user  # noqa: F401\n")
    assert result.returncode != 0
    assert "chuxin.portal is not allowed to import chuxin.testing" in result.stdout


def test_the_dependency_diagram_in_the_docs_is_current():
    with tree_to_myself():
        result = subprocess.run(  # noqa: S603 - our own script on our own tree
            [sys.executable, str(ROOT / "scripts" / "dependency_diagram.py"), "--check"], cwd=ROOT,
            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
