"""Property tests over generated notebooks: idempotent, valid, no detected secret survives,
and text that holds no finding comes out unchanged."""

from __future__ import annotations

import json

import nbformat
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aisafe_nb.detect.engine import scan_text
from aisafe_nb.notebook.sanitize import sanitize, sanitize_in_place
from aisafe_nb.notebook.write import notebook_to_text
from aisafe_nb.policy import Policy
from tests import fakes

SECRETS = [fakes.openai_key, fakes.anthropic_key, fakes.github_token, fakes.aws_access_key_id,
           fakes.slack_token, fakes.huggingface_token]
PII = [fakes.email, fakes.credit_card]

# Plain words only: any random text that the detector would flag is not "plain".
words = st.lists(st.sampled_from(["alpha", "beta", "print(x)", "for i in range(3):", "# note",
                                  "=", "df.head()", "résumé", "中文", "\t", "  "]),
                 max_size=8).map(" ".join)
lines = st.lists(words, max_size=4).map("\n".join)


@st.composite
def secret_text(draw):
    maker = draw(st.sampled_from(SECRETS + PII))
    value = maker(draw(st.integers(0, 50)))
    before, after = draw(lines), draw(lines)
    quote = draw(st.sampled_from(['"', "'", " "]))
    return f"{before}\nkey = {quote}{value}{quote}\n{after}", value


@st.composite
def notebooks(draw):
    secrets: list[str] = []
    cells = []
    for _ in range(draw(st.integers(0, 5))):
        kind = draw(st.sampled_from(["code", "markdown", "raw"]))
        if draw(st.booleans()):
            src, value = draw(secret_text())
            secrets.append(value)
        else:
            src = draw(lines)
        if kind == "code":
            outs = []
            for _ in range(draw(st.integers(0, 3))):
                otype = draw(st.sampled_from(["stream", "execute_result", "error"]))
                text, value = draw(secret_text()) if draw(st.booleans()) else (draw(lines), None)
                if value:
                    secrets.append(value)
                if otype == "stream":
                    outs.append(nbformat.v4.new_output("stream", name=draw(
                        st.sampled_from(["stdout", "stderr"])), text=text))
                elif otype == "execute_result":
                    outs.append(nbformat.v4.new_output("execute_result", execution_count=1,
                                                       data={"text/plain": text}))
                else:
                    outs.append(nbformat.v4.new_output("error", ename="E", evalue=text,
                                                       traceback=text.split("\n")))
            cell = nbformat.v4.new_code_cell(src, outputs=outs,
                                             execution_count=draw(st.none() | st.integers(1, 9)))
            if draw(st.booleans()):
                cell.metadata["tags"] = ["keep_output"]
        elif kind == "markdown":
            cell = nbformat.v4.new_markdown_cell(src)
        else:
            cell = nbformat.v4.new_raw_cell(src)
        cells.append(cell)
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    return json.loads(json.dumps(nb)), secrets


POLICIES = st.sampled_from([
    Policy(), Policy(redact_pii=True), Policy(strip_outputs=False, redact_pii=True),
    Policy(strip_outputs=False, drop_stderr=True, drop_errors=True, drop_empty_cells=True),
])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notebooks(), POLICIES)
def test_properties(case, policy):
    nb, _ = case
    original = json.loads(json.dumps(nb))
    out, _ = sanitize(nb, policy)
    assert nb == original  # pure
    nbformat.validate(nbformat.from_dict(out))
    # idempotent
    again, report = sanitize(out, policy)
    assert not report.changed
    assert again == out
    # byte-stable serialisation of the fixed point
    assert notebook_to_text(json.loads(notebook_to_text(again))) == notebook_to_text(again)
    # no detected secret survives (and no PII when asked)
    kinds = ("secret", "pii") if policy.redact_pii else ("secret",)
    for cell in out["cells"]:
        texts = ["".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]]
        for o in cell.get("outputs", []):
            texts.append(json.dumps(o, ensure_ascii=False))
        for text in texts:
            assert not [f for f in scan_text(text, kinds=kinds) if f.confidence >= 0.5], text


@settings(max_examples=40, deadline=None)
@given(notebooks())
def test_generated_secrets_are_gone_and_plain_text_unchanged(case):
    nb, secrets = case
    policy = Policy(strip_outputs=False, strip_execution_count=False, redact_pii=True)
    out = json.loads(json.dumps(nb))
    sanitize_in_place(out, policy)
    dumped = json.dumps(out, ensure_ascii=False)
    for value in secrets:
        assert value not in dumped
    # every cell without a planted value is byte-for-byte the same
    for before, after in zip(nb["cells"], out["cells"], strict=True):
        text = json.dumps(before, ensure_ascii=False)
        if not any(v in text for v in secrets):
            assert after == before
