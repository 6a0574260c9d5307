"""The layer rule of pyproject.toml's import-linter contracts holds (no upward import, no cycle)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tokenecon import paths


def test_import_contracts_are_kept():
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    out = subprocess.run([exe, "--no-cache"], capture_output=True, text=True, cwd=paths.PROJ_ROOT)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "0 broken" in out.stdout
