"""The public surface of `aisafe_nb` is exactly the intended names (httpx style)."""

from __future__ import annotations

import importlib

import pytest

import aisafe_nb

EXPECTED = [
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


def test_all_is_pinned() -> None:
    assert aisafe_nb.__all__ == EXPECTED


@pytest.mark.parametrize("name", EXPECTED)
def test_each_public_name_imports(name: str) -> None:
    value = getattr(aisafe_nb, name)
    assert value is not None
    module = importlib.import_module(value.__module__)
    assert getattr(module, name) is value


def test_unknown_name_is_attribute_error() -> None:
    with pytest.raises(AttributeError):
        _ = aisafe_nb.not_a_public_name  # type: ignore[attr-defined]


def test_import_is_lazy() -> None:
    """Importing the package must not import the engine (hot paths start fast)."""
    import subprocess
    import sys

    code = "import sys, aisafe_nb; print('regex' in sys.modules, 'aisafe_nb.detect' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_scan_text_signature() -> None:
    from aisafe_nb import Finding, scan_text

    [f] = scan_text("mail " + "someone.real" + "@" + "gmail.com", kinds=("pii",))
    assert isinstance(f, Finding)
    assert (f.kind, f.type) == ("pii", "email")
