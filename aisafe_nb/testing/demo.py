"""Run a notebook in a real kernel against `FakeOpenAI` and show what left the machine.

Used by ``make demo`` (``scripts/demo.py``): the kernel gets ``OPENAI_BASE_URL`` pointing
at a local fake endpoint on 127.0.0.1, a dummy ``OPENAI_API_KEY`` and its own state folder
(so the demo never touches the user's ledger). Afterwards, every line the notebook printed
as ``user wrote: ...`` is shown beside the user message the endpoint actually received.

    python -m aisafe_nb.testing.demo [NOTEBOOK] [--out DIR]

Without NOTEBOOK, a notebook made of `GUARD_CELLS` is run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aisafe_nb.testing.fake_openai import FakeOpenAI, RecordedRequest

#: The API-guard section of the quickstart: values are built at run time (no literal PII).
GUARD_CELLS: tuple[str, ...] = (
    "%load_ext aisafe_nb",
    textwrap.dedent(
        """\
        from openai import OpenAI

        client = OpenAI()  # OPENAI_BASE_URL / OPENAI_API_KEY point at the local demo endpoint
        name = "Mar" + "ia" + " " + "Gar" + "cia"
        email = "maria.garcia" + "@" + "contoso-mail.com"
        prompt = f"My name is {name}. Draft a two-line reply to {email} about the refund."
        print("user wrote:", prompt)
        answer = client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}]
        )
        print("user reads:", answer.choices[0].message.content)"""
    ),
    textwrap.dedent(
        """\
        prompt = f"Summarise this for {name} <{email}> in one line."
        print("user wrote:", prompt)
        stream = client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}], stream=True
        )
        text = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
        print("user reads:", text)"""
    ),
    "%aisafe budget 0.003",
    textwrap.dedent(
        """\
        import aisafe_nb

        try:
            for i in range(100):  # a runaway loop
                client.chat.completions.create(
                    model="gpt-4o",
                    messages=[{"role": "user", "content": f"idea {i}"}],
                    max_tokens=100,
                )
        except aisafe_nb.BudgetExceeded as exc:
            print(f"stopped after {i} calls:", exc)"""
    ),
    "%aisafe spent",
    "%aisafe log 5",
)


@dataclass(frozen=True, slots=True)
class DemoRun:
    """An executed notebook and what the endpoint received while it ran."""

    notebook: Any
    requests: list[RecordedRequest]


def _nbformat() -> Any:
    """nbformat, imported on use and typed as Any (it ships no complete type hints)."""
    import importlib

    return importlib.import_module("nbformat")


def guard_notebook() -> Any:
    """A notebook made of `GUARD_CELLS`."""
    nbformat = _nbformat()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(src) for src in GUARD_CELLS]
    return nb


def run_notebook(nb: Any, workdir: Path, *, timeout: int = 120) -> DemoRun:
    """Execute `nb` in a real kernel whose OpenAI client talks to a fresh `FakeOpenAI`."""
    from aisafe_nb.testing.kernel import execute_notebook

    workdir.mkdir(parents=True, exist_ok=True)
    state = workdir / "aisafe-state"
    saved = {k: os.environ.get(k) for k in _ENV_KEYS}
    with FakeOpenAI(chunk_size=5) as server:
        os.environ.update(
            {
                "OPENAI_BASE_URL": server.base_url,
                "OPENAI_API_KEY": "demo-not-a-key",
                "AISAFE_NB_STATE_DIR": str(state),
            }
        )
        try:
            execute_notebook(nb, timeout=timeout, resources={"metadata": {"path": str(workdir)}})
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        return DemoRun(nb, list(server.requests))


_ENV_KEYS = ("OPENAI_BASE_URL", "OPENAI_API_KEY", "AISAFE_NB_STATE_DIR")


def printed_lines(nb: Any, prefix: str) -> list[str]:
    """Lines of the notebook's stream outputs that start with `prefix` (prefix removed)."""
    out = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                out += [
                    line[len(prefix) :].strip()
                    for line in output.get("text", "").splitlines()
                    if line.startswith(prefix)
                ]
    return out


def received_prompts(requests: list[RecordedRequest]) -> list[str]:
    """The last user message of each request the endpoint received."""
    out = []
    for request in requests:
        messages = request.body.get("messages") if isinstance(request.body, dict) else None
        if isinstance(messages, list) and messages:
            content = messages[-1].get("content")
            out.append(content if isinstance(content, str) else json.dumps(content))
    return out


def side_by_side(run: DemoRun) -> str:
    """The report: each prompt as written, as received, and the answer the user read."""
    wrote = printed_lines(run.notebook, "user wrote:")
    reads = printed_lines(run.notebook, "user reads:")
    got = received_prompts(run.requests)
    lines = []
    for i, text in enumerate(wrote):
        lines += [
            f"user wrote        : {text}",
            f"endpoint received : {got[i] if i < len(got) else '(nothing)'}",
            f"user reads        : {reads[i] if i < len(reads) else '-'}",
            "",
        ]
    stopped = printed_lines(run.notebook, "stopped after")
    if stopped:
        lines.append(f"runaway loop      : stopped after {stopped[0]}")
    lines.append(f"requests received : {len(run.requests)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run a notebook (or the built-in guard demo) and print the side-by-side report."""
    nbformat = _nbformat()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", nargs="?", type=Path)
    parser.add_argument("--out", type=Path, default=Path("demo-output") / "guard")
    args = parser.parse_args(argv)
    nb = nbformat.read(args.notebook, as_version=4) if args.notebook else guard_notebook()
    run = run_notebook(nb, args.out.resolve())
    nbformat.write(run.notebook, args.out / "executed.ipynb")
    print(side_by_side(run))
    return 0


if __name__ == "__main__":
    sys.exit(main())
