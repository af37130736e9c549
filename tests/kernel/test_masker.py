"""SecretMasker and MaskedWriter on their own: values, environment, split writes, mime types."""

from __future__ import annotations

from aisafe_nb.kernel.masker import SecretMasker
from aisafe_nb.kernel.outputs import MaskedWriter, mask_mimebundle
from tests.fakes import openai_key

KEY = openai_key(31)


def test_known_value_and_detected_value_masked():
    m = SecretMasker()
    m.add("hunter2-not-a-format-" + "x9Q", "password")
    text = m.mask("pw=hunter2-not-a-format-x9Q key=" + KEY)
    assert text == "pw=[REDACTED:password] key=[REDACTED:openai-api-key]"
    assert m.masked_count == 2


def test_environment_change_is_seen_without_reload(monkeypatch):
    m = SecretMasker()
    assert m.mask("value: plainvalue-123456") == "value: plainvalue-123456"
    monkeypatch.setenv("MY_SERVICE_TOKEN", "plainvalue-123456")
    assert m.mask("value: plainvalue-123456") == "value: [REDACTED:secret]"
    monkeypatch.setenv("MY_SERVICE_TOKEN", "othervalue-654321")
    assert "othervalue" not in m.mask("othervalue-654321")


def test_short_or_unnamed_env_values_are_not_masked(monkeypatch):
    monkeypatch.setenv("HOME_DIRECTORY_NAME", "plainvalue-123456")
    monkeypatch.setenv("SHORT_TOKEN", "abc")
    monkeypatch.setenv("SSH_KEY_PATH", "/home/someone/.ssh/id_ed25519")
    m = SecretMasker()
    assert m.mask("plainvalue-123456 abc") == "plainvalue-123456 abc"
    assert m.mask("/home/someone/.ssh/id_ed25519") == "/home/someone/.ssh/id_ed25519"


def test_split_write_is_held_back_then_masked():
    written: list[str] = []
    m = SecretMasker()
    w = MaskedWriter(m, written.append, lambda: None)
    w.write("token: " + KEY[:15])
    w.write(KEY[15:40])
    w.write(KEY[40:] + " done\n")
    assert KEY not in "".join(written)
    assert "".join(written) == "token: [REDACTED:openai-api-key] done\n"


def test_flush_and_drain_emit_the_tail():
    written: list[str] = []
    flushed: list[bool] = []
    w = MaskedWriter(SecretMasker(), written.append, lambda: flushed.append(True))
    w.write("progress 42")
    assert "".join(written) == "progress "
    w.flush()
    assert "".join(written) == "progress 42"
    assert flushed == [True]


def test_disabled_writer_passes_through():
    written: list[str] = []
    w = MaskedWriter(SecretMasker(), written.append, lambda: None)
    w.enabled = False
    w.write(KEY)
    assert written == [KEY]


def test_mimebundle_masks_text_types_only():
    m = SecretMasker()
    bundle = {
        "text/plain": KEY,
        "text/html": f"<b>{KEY}</b>",
        "application/json": {"k": [KEY]},
        "image/png": KEY,  # not text: never rewritten (would corrupt images)
    }
    out = mask_mimebundle(m, bundle)
    assert out["text/plain"] == "[REDACTED:openai-api-key]"
    assert out["text/html"] == "<b>[REDACTED:openai-api-key]</b>"
    assert out["application/json"] == {"k": ["[REDACTED:openai-api-key]"]}
    assert out["image/png"] == KEY
    assert bundle["text/plain"] == KEY  # the caller's dict is not changed
