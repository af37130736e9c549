"""Fixtures for the API guard tests: a fake OpenAI server and an installed guard."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aisafe_nb.intercept.guard import Guard
from aisafe_nb.intercept.install import guard, unguard
from aisafe_nb.policy import Policy
from aisafe_nb.testing.fake_openai import FakeOpenAI
from tests import fakes


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(chunk_size=3) as server:
        yield server


@pytest.fixture
def state(tmp_path: Path) -> Path:
    folder = tmp_path / "state"
    folder.mkdir()
    return folder


@pytest.fixture
def make_guard(state: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Install the guard with a policy built from keyword overrides (state in tmp)."""
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    unguard()

    def make(**settings: object) -> Guard:
        return guard(Policy(state_dir=str(state), **settings))  # type: ignore[arg-type]

    yield make
    unguard()


@pytest.fixture
def guarded(make_guard) -> Guard:
    return make_guard()


@pytest.fixture
def secrets() -> dict[str, str]:
    """Personal data and a key the detector finds, built at run time."""
    return {
        "email": fakes.email(3),
        "card": fakes.credit_card(5),
        "name": fakes.full_name(4),
        "key": fakes.openai_key(9),
    }


@pytest.fixture
def prompt(secrets: dict[str, str]) -> str:
    return (
        f"My name is {secrets['name']}. Write to {secrets['email']} about card "
        f"{secrets['card']}; the key is {secrets['key']}."
    )


def assert_clean(server: FakeOpenAI, secrets: dict[str, str]) -> None:
    """No received body contains any of the values."""
    assert server.requests, "the server received nothing"
    for body in server.bodies():
        for label, value in secrets.items():
            assert value not in body, f"{label} reached the server"


def audit_entries(state: Path) -> list[dict[str, Any]]:
    """The audit log's lines, parsed (the guard's state folder is `state`)."""
    return [json.loads(line) for line in (state / "audit.jsonl").read_text().splitlines()]


def assert_booked(entry: dict[str, Any], *, model: str, prices: tuple[float, float]) -> None:
    """`entry` was booked from the usage the answer reported, at `prices` (input, output:
    USD per 1M tokens, the shipped table's row for `model`)."""
    assert entry["model"] == model
    assert entry["input_tokens"] > 0
    assert entry["output_tokens"] > 0
    assert not entry["usage_estimated"]
    assert entry["cost_usd"] == pytest.approx(
        (entry["input_tokens"] * prices[0] + entry["output_tokens"] * prices[1]) / 1e6)


class BrokenScrubber:
    """Stands in for the guard's scrubber and fails: nothing may then be sent."""

    def __init__(self) -> None:
        self.vault: dict[str, str] = {}

    def scrub(self, text: str) -> Any:
        raise RuntimeError("rule blew up")
