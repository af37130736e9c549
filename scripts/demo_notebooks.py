"""Leaky example notebooks for the demo, generated at run time.

Every credential-shaped value is assembled here from parts when the demo runs, so the
repository itself never contains one (it must scan clean with `aisafe-nb scan .`).
"""

from __future__ import annotations

import json
import random
import string
from pathlib import Path
from typing import Any

_KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}


def fake_openai_key(rng: random.Random) -> str:
    """A credential-shaped OpenAI project key (random, never a real one)."""
    alphabet = string.ascii_letters + string.digits
    return "sk-" + "proj-" + "".join(rng.choice(alphabet) for _ in range(48))


def fake_github_token(rng: random.Random) -> str:
    """A credential-shaped GitHub classic token: a random body and its checksum."""
    from aisafe_nb.detect.validators import github_checksum

    alphabet = string.ascii_letters + string.digits
    body = "".join(rng.choice(alphabet) for _ in range(30))
    return "gh" + "p_" + body + github_checksum(body)


def _code(source: str, outputs: list[dict[str, Any]] | None = None, n: int = 1) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "execution_count": n,
        "id": f"cell-{n}",
        "metadata": {},
        "outputs": outputs or [],
        "source": source,
    }


def _markdown(source: str, n: int) -> dict[str, Any]:
    return {"cell_type": "markdown", "id": f"md-{n}", "metadata": {}, "source": source}


def _notebook(cells: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "cells": cells,
        "metadata": {"kernelspec": _KERNELSPEC, "language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def build(folder: Path, seed: int = 7) -> list[Path]:
    """Write the demo notebooks into `folder` and return their paths."""
    rng = random.Random(seed)
    key = fake_openai_key(rng)
    token = fake_github_token(rng)
    # A made-up person (not "Jane Doe": placeholder people are deliberately not reported)
    person = "Jane" + " " + "Okafor"
    contact = "jane.okafor" + "@" + "northwind-clinic.com"
    phone = "+1 415 555 " + "0" + "198"
    card = "4111 1111 " + "1111 1111"
    folder.mkdir(parents=True, exist_ok=True)
    notebooks = {
        "01-inline-key.ipynb": _notebook(
            [
                _markdown("# Summarise support tickets\nA quick experiment.", 1),
                _code(f'from openai import OpenAI\nclient = OpenAI(api_key="{key}")', n=1),
                _code(
                    "print(client.api_key)",
                    [{"output_type": "stream", "name": "stdout", "text": key + "\n"}],
                    n=2,
                ),
            ]
        ),
        "02-customer-prompt.ipynb": _notebook(
            [
                _code(
                    "ticket = '''Hi, my name is "
                    f"{person}. Please call me on "
                    f"{phone} or write to {contact}.\nMy card {card} was charged twice.'''\n"
                    "prompt = f'Summarise this ticket: {ticket}'",
                    n=1,
                ),
                _code(
                    "ticket",
                    [
                        {
                            "output_type": "execute_result",
                            "execution_count": 2,
                            "metadata": {},
                            "data": {"text/plain": f"'Please call {phone} or write to {contact}'"},
                        }
                    ],
                    n=2,
                ),
            ]
        ),
        "03-traceback-with-token.ipynb": _notebook(
            [
                _code(
                    "import requests\nrequests.get(url, headers=headers)",
                    [
                        {
                            "output_type": "error",
                            "ename": "HTTPError",
                            "evalue": f"401 Unauthorized for token {token}",
                            "traceback": [
                                "\u001b[0;31mHTTPError\u001b[0m: 401 Unauthorized for token "
                                + token
                            ],
                        }
                    ],
                    n=1,
                ),
            ]
        ),
    }
    paths = []
    for name, nb in notebooks.items():
        path = folder / name
        path.write_text(json.dumps(nb, indent=1) + "\n", encoding="utf-8")
        paths.append(path)
    return paths
