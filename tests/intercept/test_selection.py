"""Which requests the guard takes: SDK headers anywhere, raw HTTP only to AI hosts."""

from __future__ import annotations

import pytest

import aisafe_nb
from aisafe_nb.intercept.errors import AisafeError
from aisafe_nb.intercept.guard import Guard, endpoint_of
from aisafe_nb.policy import Policy


@pytest.fixture
def guard(state, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "https://llm-proxy.internal.example/v1")
    return Guard(Policy(state_dir=str(state), ai_hosts=("models.corp.example",)))


@pytest.mark.parametrize(
    ("host", "headers", "expected"),
    [
        ("anything.example", {"user-agent": "OpenAI/Python 3.57.0"}, True),
        ("anything.example", {"x-stainless-lang": "python"}, True),
        # websocket handshakes carry only the agent, named after the client class
        ("anything.example", {"user-agent": "AsyncOpenAI/Python 2.54.0"}, True),
        ("anything.example", {"user-agent": "AzureOpenAI/Python 2.54.0"}, True),
        ("anything.example", {"user-agent": "NotOpenAIAtAll 1.0"}, False),
        # other SDKs: Google's by its agent, Anthropic's by the x-stainless headers
        ("anything.example", {"user-agent": "google-genai-sdk/3.6.1 gl-python/3.11"}, True),
        ("generativelanguage.googleapis.com", {}, True),
        ("api.openai.com", {}, True),
        ("myres.openai.azure.com", {}, True),
        ("llm-proxy.internal.example", {}, True),  # OPENAI_BASE_URL's host
        ("models.corp.example", {}, True),  # Policy.ai_hosts
        ("pypi.org", {"user-agent": "python-requests/2"}, False),
        ("evil-openai.azure.com.example", {}, False),
    ],
)
def test_selects(guard, host, headers, expected):
    assert guard.selects(host, headers) is expected


@pytest.mark.parametrize(
    ("path", "endpoint"),
    [
        ("/v1/chat/completions", "/chat/completions"),
        ("/openai/deployments/gpt4/chat/completions", "/deployments/gpt4/chat/completions"),
        ("/custom", "/custom"),
    ],
)
def test_endpoint_names(path, endpoint):
    assert endpoint_of(path) == endpoint


def test_unknown_operator_is_a_clear_error(state):
    with pytest.raises(AisafeError, match="unknown operator 'shred'"):
        Guard(Policy(state_dir=str(state), operators={"email": "shred"}))


def test_invalid_json_body_is_not_sent(guard):
    with pytest.raises(aisafe_nb.ScrubError, match="JSON body could not be read"):
        guard.prepare(
            method="POST",
            url="https://api.openai.com/v1/chat/completions",
            headers={"content-type": "application/json"},
            content=b'{"messages": [',
        )


def test_get_requests_pass_through(guard):
    assert (
        guard.prepare(method="GET", url="https://api.openai.com/v1/models", headers={}, content=b"")
        is None
    )
