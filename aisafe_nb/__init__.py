"""aisafe-nb: keep API keys, personal data and budgets safe when notebooks call LLM APIs.

The public names below are imported lazily: ``%load_ext aisafe_nb``, the git filter and
the server's save hook must start fast, so importing the package costs almost nothing
until a name is used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    "BudgetExceeded",
    "Detector",
    "Finding",
    "Policy",
    "ScrubError",
    "Scrubbed",
    "Scrubber",
    "clean_paths",
    "guard",
    "sanitize",
    "scan_notebook",
    "scan_text",
]

#: public name -> module that defines it
_EXPORTS: dict[str, str] = {
    "BudgetExceeded": "aisafe_nb.intercept.errors",
    "Detector": "aisafe_nb.detect.engine",
    "Finding": "aisafe_nb.detect.finding",
    "Policy": "aisafe_nb.policy",
    "ScrubError": "aisafe_nb.intercept.errors",
    "Scrubbed": "aisafe_nb.scrub",
    "Scrubber": "aisafe_nb.scrub",
    "clean_paths": "aisafe_nb.notebook.clean",
    "guard": "aisafe_nb.intercept.install",
    "sanitize": "aisafe_nb.notebook.sanitize",
    "scan_notebook": "aisafe_nb.notebook.locate",
    "scan_text": "aisafe_nb.detect.engine",
}

if TYPE_CHECKING:
    from aisafe_nb.detect.engine import Detector, scan_text
    from aisafe_nb.detect.finding import Finding
    from aisafe_nb.intercept.errors import BudgetExceeded, ScrubError
    from aisafe_nb.intercept.install import guard
    from aisafe_nb.notebook.clean import clean_paths
    from aisafe_nb.notebook.locate import scan_notebook
    from aisafe_nb.notebook.sanitize import sanitize
    from aisafe_nb.policy import Policy
    from aisafe_nb.scrub import Scrubbed, Scrubber


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'aisafe_nb' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


# --- Jupyter and IPython entry points (looked up by name, so not in __all__) ---


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext aisafe_nb``: install the cell guard, output masking and API guard."""
    from aisafe_nb.kernel.extension import load

    load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """``%unload_ext aisafe_nb``: remove every hook and patch the extension installed."""
    from aisafe_nb.kernel.extension import unload

    unload(ipython)


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "aisafe_nb.server"}]


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "aisafe-nb"}]


def _version_string() -> str:
    """The installed version, or ``0+unknown`` when running from an uninstalled tree."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("aisafe-nb")
    except PackageNotFoundError:
        return "0+unknown"
