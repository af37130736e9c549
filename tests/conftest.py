"""Shared pytest configuration.

pytest-jupyter's server fixtures (jp_fetch, jp_root_dir, ...) must be declared at the top
level: pytest refuses `pytest_plugins` in nested conftest files.
"""

import pytest

pytest_plugins = ["pytest_jupyter.jupyter_server"]

_OWN_CACHE = pytest.StashKey[str]()


def pytest_configure(config) -> None:
    """Keep the caches of every process the tests start out of the user's home folder."""
    import os
    import tempfile

    if "AISAFE_TEST_CACHE" not in os.environ:
        os.environ["AISAFE_TEST_CACHE"] = tempfile.mkdtemp(prefix="aisafe-test-cache-")
        os.environ["XDG_CACHE_HOME"] = os.environ["AISAFE_TEST_CACHE"]
        config.stash[_OWN_CACHE] = os.environ["AISAFE_TEST_CACHE"]


def pytest_unconfigure(config) -> None:
    """Remove the cache folder this run made (a run inside another keeps its parent's)."""
    import shutil

    folder = config.stash.get(_OWN_CACHE, None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
