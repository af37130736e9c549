"""Shared pytest configuration.

pytest-jupyter's server fixtures (jp_fetch, jp_root_dir, ...) must be declared at the top
level: pytest refuses `pytest_plugins` in nested conftest files.
"""

pytest_plugins = ["pytest_jupyter.jupyter_server"]
