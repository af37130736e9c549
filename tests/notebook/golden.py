"""Golden-notebook cases shared by the sanitizer tests: option sets and file names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

#: variant name -> Policy overrides; expected output is ``outputs.<variant>.ipynb``.
VARIANTS: dict[str, dict[str, Any]] = {
    "default": {},
    "keep-outputs": {"strip_outputs": False},
    "keep-count": {"strip_execution_count": False},
    "keep-display": {"keep_output_types": ("display_data",)},
    "keep-stdout": {"keep_output_types": ("stream:stdout",)},
    "drop-empty": {"drop_empty_cells": True},
    "keep-outputs-drop-noise": {
        "strip_outputs": False, "drop_stderr": True, "drop_errors": True, "drop_images": True,
    },
    "extra-keys": {"strip_metadata": ("metadata.custom", "cell.metadata.tags")},
    "max-size": {"strip_outputs": False, "max_output_size": 100},
}
