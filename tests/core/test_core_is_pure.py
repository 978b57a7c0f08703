"""evidencehub.core must import with Django absent."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import evidencehub.core

BLOCKER = """
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "django" or name.startswith(("django.", "rest_framework")):
            raise ImportError(f"core imported {name}")
        return None
sys.meta_path.insert(0, Block())
import importlib
for name in sys.argv[1:]:
    importlib.import_module(name)
print("ok")
"""


def core_modules() -> list[str]:
    return [
        m.name
        for m in pkgutil.walk_packages(evidencehub.core.__path__, "evidencehub.core.")
    ]


def test_core_has_modules() -> None:
    assert "evidencehub.core.evidence" in core_modules()


def test_every_core_module_imports_without_django() -> None:
    result = subprocess.run(
        [sys.executable, "-c", BLOCKER, *core_modules()],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_the_blocker_does_catch_a_django_import() -> None:
    result = subprocess.run(
        [sys.executable, "-c", BLOCKER, "django.db"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "core imported django" in result.stderr
