"""Shared pytest configuration.

pytest-jupyter's server fixtures (jp_fetch, jp_root_dir, ...) must be declared at the top
level: pytest refuses `pytest_plugins` in nested conftest files.
"""

pytest_plugins = ["pytest_jupyter.jupyter_server"]


def pytest_configure(config) -> None:
    """Keep the caches of every process the tests start out of the user's home folder."""
    import os
    import tempfile

    if "AISAFE_TEST_CACHE" not in os.environ:
        os.environ["AISAFE_TEST_CACHE"] = tempfile.mkdtemp(prefix="aisafe-test-cache-")
        os.environ["XDG_CACHE_HOME"] = os.environ["AISAFE_TEST_CACHE"]
