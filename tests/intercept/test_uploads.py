"""Multipart uploads (files, batch JSONL, audio): text files are checked before they leave.

The real openai SDK (and httpx / requests) against the fake server on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json

import httpx
import openai
import pytest
import requests

from aisafe_nb.intercept.errors import BlockedContent, ScrubError
from aisafe_nb.intercept.uploads import split_parts
from aisafe_nb.testing.fake_openai import FakeOpenAI


def client(fake: FakeOpenAI) -> openai.OpenAI:
    return openai.OpenAI(base_url=fake.base_url, api_key="test", max_retries=0)


def batch_file(text: str) -> bytes:
    line = {
        "custom_id": "r1",
        "method": "POST",
        "url": "/v1/chat/completions",
        "body": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": text}]},
    }
    return (json.dumps(line) + "\n").encode()


def upload_requests(fake: FakeOpenAI) -> list[str]:
    return [r.path for r in fake.requests if r.path.startswith("/v1/files")]


def test_batch_file_with_a_key_is_not_uploaded(fake, guarded, secrets):
    data = batch_file(f"use {secrets['key']} to call the API")
    with pytest.raises(BlockedContent) as caught:
        client(fake).files.create(file=("batch.jsonl", data), purpose="batch")
    message = str(caught.value)
    assert "'batch.jsonl'" in message
    assert "openai-api-key" in message
    assert secrets["key"] not in message  # a preview, never the key
    assert upload_requests(fake) == []
    entry = guarded.audit.tail(1)[0]
    assert entry["blocked"] is True
    assert secrets["key"] not in json.dumps(entry)


def test_async_client_checks_uploads_too(fake, guarded, secrets):
    async def upload() -> None:
        sdk = openai.AsyncOpenAI(base_url=fake.base_url, api_key="test", max_retries=0)
        await sdk.files.create(file=("notes.txt", secrets["key"].encode()), purpose="assistants")

    with pytest.raises(BlockedContent):
        asyncio.run(upload())
    assert upload_requests(fake) == []


def test_upload_without_secrets_is_sent_unchanged_and_logged(fake, guarded, secrets):
    data = batch_file(f"write to {secrets['email']}")
    with pytest.raises(openai.APIStatusError):  # the fake has no /files route
        client(fake).files.create(file=("batch.jsonl", data), purpose="batch")
    assert upload_requests(fake) == ["/v1/files"]
    assert secrets["email"] in fake.requests[-1].body  # uploads are not rewritten
    reason = guarded.audit.tail(1)[0]["reason"]
    assert reason.startswith("not scrubbed: multipart/form-data upload")
    assert "email 1" in reason


def test_binary_parts_are_not_scanned(fake, guarded, secrets):
    audio = b"RIFF\xff\xfe\x00\x00WAVE" + secrets["key"].encode()
    with pytest.raises(openai.APIStatusError):
        client(fake).audio.transcriptions.create(model="whisper-1", file=("a.wav", audio))
    assert [r.path for r in fake.requests] == ["/v1/audio/transcriptions"]


def test_allow_operator_lets_the_key_through(fake, make_guard, secrets):
    make_guard(operators={"openai-api-key": "allow"})
    with pytest.raises(openai.APIStatusError):
        client(fake).files.create(file=("k.txt", secrets["key"].encode()), purpose="assistants")
    assert upload_requests(fake) == ["/v1/files"]


def test_block_operator_refuses_personal_data(fake, make_guard, secrets):
    make_guard(operators={"email": "block"})
    with pytest.raises(BlockedContent, match="email"):
        client(fake).files.create(file=("a.txt", secrets["email"].encode()), purpose="assistants")
    assert upload_requests(fake) == []


def test_scrubbing_off_checks_nothing(fake, make_guard, secrets):
    make_guard(scrub_prompts=False)
    with pytest.raises(openai.APIStatusError):
        client(fake).files.create(file=("k.txt", secrets["key"].encode()), purpose="assistants")
    assert upload_requests(fake) == ["/v1/files"]


def test_requests_library_uploads_are_checked(fake, make_guard, secrets):
    make_guard(ai_hosts=("127.0.0.1",))
    with pytest.raises(BlockedContent):
        requests.post(fake.base_url + "/files", files={"file": ("k.txt", secrets["key"])})
    assert upload_requests(fake) == []


def test_unreadable_multipart_body_is_not_sent(fake, make_guard):
    make_guard(ai_hosts=("127.0.0.1",))
    with httpx.Client() as http, pytest.raises(ScrubError, match="could not be read"):
        http.post(
            fake.base_url + "/files",
            content=b"no parts here",
            headers={"content-type": "multipart/form-data; boundary=xyz"},
        )
    assert fake.requests == []


# --- splitting ---------------------------------------------------------------


def test_split_parts_reads_what_httpx_builds():
    request = httpx.Request(
        "POST",
        "http://example.invalid/v1/files",
        data={"purpose": "batch"},
        files={"file": ("b.jsonl", b"line one\r\n\r\nline two\r\n")},
    )
    body = request.read()
    parts = list(split_parts(body, request.headers["content-type"]))
    assert [(p.label, p.data) for p in parts] == [
        ("purpose", b"batch"),
        ("b.jsonl", b"line one\r\n\r\nline two\r\n"),
    ]


def test_split_parts_with_preamble_quoted_boundary_and_headerless_part():
    body = (
        b"ignored preamble\r\n--a b\r\n"
        b'Content-Disposition: form-data; name="x"\r\n\r\none\r\n'
        b"--a b\r\n\r\nno headers\r\n"
        b"--a b--\r\nepilogue"
    )
    parts = list(split_parts(body, 'multipart/form-data; boundary="a b"'))
    assert [(p.label, p.data) for p in parts] == [("x", b"one"), ("part", b"no headers")]


@pytest.mark.parametrize(
    ("ctype", "body", "why"),
    [
        ("multipart/form-data", b"--x\r\n\r\na\r\n--x--", "no boundary"),
        ("multipart/form-data; boundary=x", b"plain text", "does not hold"),
        ("multipart/form-data; boundary=x", b"--x\r\n\r\na\r\n--x\r\n", "no closing"),
        ("multipart/form-data; boundary=x", b"--x\r\nName: a\r\n--x--", "no header block"),
    ],
)
def test_split_parts_refuses_malformed_bodies(ctype, body, why):
    with pytest.raises(ValueError, match=why):
        list(split_parts(body, ctype))


def test_part_text_refuses_binary():
    from aisafe_nb.intercept.uploads import Part

    assert Part("a", "caf\u00e9".encode()).text() == "caf\u00e9"
    assert Part("a", b"\xff\xfe").text() is None
    assert Part("a", b"text\x00more").text() is None
