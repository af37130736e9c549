"""LangChain's ChatOpenAI goes through the same seam (it uses the openai SDK)."""

from __future__ import annotations

import pytest

from tests.intercept.conftest import assert_clean

langchain_openai = pytest.importorskip("langchain_openai")


def test_chat_openai_invoke_and_stream(fake, guarded, secrets, prompt):
    llm = langchain_openai.ChatOpenAI(
        model="gpt-4o-mini", base_url=fake.base_url, api_key="test", max_retries=0
    )
    answer = llm.invoke(prompt)
    assert secrets["email"] in answer.content
    assert secrets["name"] in answer.content
    streamed = "".join(chunk.content for chunk in llm.stream(prompt))
    assert secrets["card"] in streamed
    assert_clean(fake, secrets)
    assert len(guarded.audit.tail(10)) == 2
