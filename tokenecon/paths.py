"""Every path the project uses, anchored at the project root (never at the working directory)."""

from __future__ import annotations

import os
from pathlib import Path

PROJ_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = PROJ_ROOT / "data"
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
REPORTS_DIR = PROJ_ROOT / "reports"
CATALOG_PATH = DATA_DIR / "catalog.yaml"

#: Environment variable that points at the raw-data mirror used by ``tokenecon data build``.
RAW_ENV = "TOKENECON_RAW"


def raw_dir() -> Path:
    """The raw-source mirror: ``$TOKENECON_RAW`` if set, else ``../shared/sources`` beside the project."""
    env = os.environ.get(RAW_ENV)
    return Path(env).expanduser().resolve() if env else (PROJ_ROOT.parent / "shared" / "sources").resolve()
