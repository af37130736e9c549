"""Isolated IPython/Jupyter folders for every kernel test session, so user history and
configuration are never read or touched (the kernels started here inherit them)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

_ISOLATED = ("IPYTHONDIR", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR")


@pytest.fixture(scope="session", autouse=True)
def isolated_dirs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("ipython-home")
    saved = {name: os.environ.get(name) for name in _ISOLATED}
    for name in _ISOLATED:
        folder = root / name.lower()
        folder.mkdir()
        os.environ[name] = str(folder)
    yield root
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
