"""Fixtures for the API guard tests: a fake OpenAI server and an installed guard."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

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
