"""The copy-on-change JSON walk shared by the request scrub and the answer restore."""

from __future__ import annotations

import copy
import json
from dataclasses import asdict

import pytest

from aisafe_nb.intercept.audit import AuditEntry
from aisafe_nb.intercept.body import scrub_body
from aisafe_nb.intercept.jsonwalk import map_strings
from aisafe_nb.intercept.restore import restore_json
from aisafe_nb.intercept.taps import JSONTap
from aisafe_nb.scrub import Scrubber
from tests import fakes

VAULT = {"<EMAIL_1>": "jo" + "@" + "mail.test"}


def chat(*texts: str) -> dict[str, object]:
    return {
        "model": "gpt-4o-mini",
        "messages": [{"role": "user", "content": t} for t in texts],
        "temperature": 0.2,
    }


def test_nothing_changed_returns_the_same_object() -> None:
    body = chat("hello", "how are you")
    assert map_strings(body, lambda text, key: text) is body


def test_only_the_changed_path_is_copied_and_the_input_is_kept() -> None:
    body = chat("keep me", "SHOUT")
    before = copy.deepcopy(body)
    out = map_strings(body, lambda text, key: text.lower() if key == "content" else text)
    assert body == before  # never modified in place
    assert out["messages"][1]["content"] == "shout"
    assert out is not body
    assert out["messages"] is not body["messages"]
    assert out["messages"][0] is body["messages"][0]  # untouched branch shared, not copied


def test_keys_are_passed_and_skipped() -> None:
    seen: list[tuple[str, str | None]] = []
    value = {"a": ["x", {"b": "y"}], "skip": ["z"], "c": 3}

    def record(text: str, key: str | None) -> str:
        seen.append((text, key))
        return text

    map_strings(value, record, skip_keys=frozenset({"skip"}))
    assert seen == [("x", "a"), ("y", "b")]  # a string in a list gets the list's key
    assert map_strings("top", record) == "top"
    assert seen[-1] == ("top", None)


def test_scrub_body_without_findings_is_the_input_itself() -> None:
    body = chat("Please summarise the quarterly report in three bullet points.")
    result = scrub_body(body, Scrubber(), {})
    assert result.body is body
    assert not result.changed


def test_scrub_body_copies_and_leaves_the_input_alone() -> None:
    mail = fakes.email(3)
    body = chat("no data here", f"write to {mail}")
    before = copy.deepcopy(body)
    result = scrub_body(body, Scrubber(), {})
    assert body == before
    assert mail not in json.dumps(result.body)
    assert result.body["messages"][1]["content"] == "write to <EMAIL_1>"
    assert result.counts == {"email": 1}


@pytest.mark.parametrize("escape_all", [False, True])
def test_restore_json_without_placeholders_is_the_input_itself(escape_all: bool) -> None:
    answer = {"choices": [{"message": {"content": "a <b> tag, no placeholder"}}]}
    assert restore_json(answer, VAULT, escape_all=escape_all) is answer
    assert restore_json(answer, {}, escape_all=escape_all) is answer
    unknown = {"choices": [{"message": {"content": "<PHONE_NUMBER_9> is not ours"}}]}
    assert restore_json(unknown, VAULT) is unknown


def test_restore_json_copies_what_it_restores() -> None:
    answer = {"id": "x", "choices": [{"message": {"content": "to <EMAIL_1>"}}], "usage": {}}
    before = copy.deepcopy(answer)
    out = restore_json(answer, VAULT)
    assert answer == before
    assert out["choices"][0]["message"]["content"] == f"to {VAULT['<EMAIL_1>']}"
    assert out["usage"] is answer["usage"]


def test_json_tap_passes_answers_without_placeholders_byte_for_byte() -> None:
    raw = b'{"choices": [{"message": {"content": "caf\\u00e9 <b>"}}]}'
    seen: list[object] = []
    tap = JSONTap(seen.append, VAULT, escape_all=False)
    assert tap.feed(raw) == b""
    assert tap.finish() == raw  # not re-serialised: same escapes, same spacing
    assert len(seen) == 1
    tap = JSONTap(seen.append, VAULT, escape_all=False)
    tap.feed(raw.replace(b"<b>", b"<EMAIL_1>"))
    assert VAULT["<EMAIL_1>"].encode() in tap.finish()


def test_audit_entry_dict_is_what_asdict_gives() -> None:
    entry = AuditEntry(time=1.5, host="h", endpoint="/chat", scrubbed={"email": 2}, status=200)
    as_dict = entry.as_dict()
    assert as_dict == asdict(entry)
    as_dict["scrubbed"]["email"] = 9  # a copy: the entry is not changed through it
    assert entry.scrubbed == {"email": 2}
