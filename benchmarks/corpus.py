"""Generate a benchmark folder of realistic notebooks (fixed seed: every run is the same).

Shaped like /work/shared/BENCHMARK-CORPUS.md (653 public notebooks, 170 MB): sizes drawn
from the same percentiles, 88 % of notebooks with outputs, about 30 % with real base64 PNG
images (valid PNG bytes made with zlib), HTML tables, long stream logs, tracebacks with ANSI
colour codes, widget and Colab metadata, SVG outputs, and one invalid JSON file per 650.
Files are written as the tools that make real ones write them (`as_saved`): Jupyter's
layout for most, Colab's for those with Colab metadata.
A sprinkling of fake secrets and personal data is planted; every value is built at run
time from parts, so this file holds nothing credential-shaped.

    python benchmarks/corpus.py --out DIR --count N
    from benchmarks.corpus import make_corpus
"""

from __future__ import annotations

import argparse
import base64
import itertools
import json
import math
import random
import string
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_COUNT = 650
DEFAULT_SEED = 20261127
CORPUS_ROOT = Path(__file__).resolve().parent / ".corpus"

#: (quantile, bytes) of real notebook sizes (BENCHMARK-CORPUS.md); interpolated on log size.
SIZE_QUANTILES = [
    (0.0, 2_000),
    (0.10, 9_500),
    (0.25, 18_000),
    (0.50, 47_000),
    (0.75, 187_000),
    (0.90, 666_000),
    (0.99, 3_300_000),
    (1.0, 4_200_000),
]
#: Probability of images by size band, tuned so ~30 % of notebooks and ~63 % of bytes.
IMAGE_PROBABILITY = [(20_000, 0.05), (60_000, 0.2), (200_000, 0.45), (700_000, 0.7), (10**9, 0.85)]
INVALID_EVERY = 650
#: One notebook in this many gets a planted secret or personal datum.
PLANT_EVERY = 9

_WORD_TEXT = (
    "model data train loss accuracy prompt token embedding vector batch epoch layer "
    "feature dataset query response completion temperature sample evaluate metric score "
    "pipeline chunk index retrieval context window function result value table column "
    "row plot figure gradient optimizer schedule learning rate validation test split"
)
WORDS = _WORD_TEXT.split()
CODE_LINES = [
    "import numpy as np",
    "import pandas as pd",
    "from openai import OpenAI",
    "client = OpenAI()",
    "df = pd.read_csv('data.csv')",
    "df.head()",
    "for epoch in range(10):",
    "    loss = train_step(model, batch)",
    "    print(f'epoch {epoch} loss {loss:.4f}')",
    "plt.plot(history['loss'])",
    "response = client.chat.completions.create(model='gpt-4o-mini', messages=messages)",
    "print(response.choices[0].message.content)",
    "embeddings = embed(texts)",
    "X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)",
    "model.fit(X_train, y_train)",
    "scores = cross_val_score(model, X, y, cv=5)",
    "os.environ.get('OPENAI_API_KEY')",
    "results = [f(x) for x in items]",
]


@dataclass
class CorpusInfo:
    """What was generated: the folder, its notebooks, total bytes, and planted items."""

    path: Path
    files: list[Path] = field(default_factory=list)
    total_bytes: int = 0
    planted: dict[str, int] = field(default_factory=dict)
    invalid: int = 0


# --- fake values, built from parts at run time -------------------------------------------


def _chars(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _fake_values(rng: random.Random) -> dict[str, str]:
    alnum = string.ascii_letters + string.digits
    upper = string.ascii_uppercase + string.digits
    return {
        "openai-api-key": "sk-"
        + "proj-"
        + _chars(rng, alnum, 48)
        + "T3Blbk"
        + "FJ"
        + _chars(rng, alnum, 20),
        "aws-access-key-id": "AK" + "IA" + _chars(rng, upper, 16),
        # 36 drawn as before (the rest of the corpus stays the same), 30 kept + the checksum
        "github-token": _github_token(_chars(rng, alnum, 36)[:30]),
        "anthropic-api-key": "sk-" + "ant-" + "api03-" + _chars(rng, alnum + "-_", 93) + "AA",
        "hugging-face-token": "h" + "f_" + _chars(rng, string.ascii_letters, 34),
        "email": rng.choice(["maria", "j.smith", "chen.wei", "olga"])
        + "."
        + _chars(rng, string.ascii_lowercase, 4)
        + "@"
        + rng.choice(["gmail", "outlook", "acme-corp"])
        + ".com",
        "phone-number": "+1 "
        + rng.choice(["415", "212", "617"])
        + " 555 "
        + str(rng.randint(1000, 9999)),
    }


# --- building blocks ------------------------------------------------------------------------


def _png(rng: random.Random, width: int, height: int) -> bytes:
    """A valid RGB PNG of noise (incompressible, like real plots' share of bytes)."""
    raw = b"".join(b"\x00" + rng.randbytes(width * 3) for _ in range(height))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw, 1))
        + chunk(b"IEND", b"")
    )


def _sentence(rng: random.Random, n: int = 12) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def _lines(text: str) -> list[str]:
    parts = text.split("\n")
    return [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def _html_table(rng: random.Random, rows: int) -> str:
    cols = rng.sample(WORDS, 5)
    head = "".join(f"<th>{c}</th>" for c in cols)
    body = "".join(
        f"<tr><th>{i}</th>{''.join(f'<td>{rng.random():.4f}</td>' for _ in cols)}</tr>\n"
        for i in range(rows)
    )
    return (
        '<div>\n<table border="1" class="dataframe">\n<thead><tr><th></th>'
        f"{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>\n</div>"
    )


def _stream(rng: random.Random, n_lines: int) -> str:
    return "".join(
        f"Epoch {i + 1}/{n_lines} - loss: {rng.random():.4f} - acc: {rng.random():.4f} "
        f"- val_loss: {rng.random():.4f} - {rng.randint(10, 99)}ms/step\n"
        for i in range(n_lines)
    )


def _traceback(rng: random.Random, secret: str | None = None) -> dict[str, object]:
    msg = f"Incorrect API key provided: {secret}" if secret else "name 'df2' is not defined"
    tb = [
        "\x1b[0;31m" + "-" * 75 + "\x1b[0m",
        "\x1b[0;31mAuthenticationError\x1b[0m"
        "                       Traceback (most recent call last)",
        "Cell \x1b[0;32mIn[7], line 3\x1b[0m\n\x1b[1;32m      1\x1b[0m "
        "response \x1b[38;5;241m=\x1b[39m client\x1b[38;5;241m.\x1b[39mchat"
        "\x1b[38;5;241m.\x1b[39mcompletions\x1b[38;5;241m.\x1b[39mcreate(\n",
        "\x1b[0;31mAuthenticationError\x1b[0m: "
        f"Error code: 401 - {{'error': {{'message': '{msg}'}}}}",
    ]
    return {"output_type": "error", "ename": "AuthenticationError", "evalue": msg, "traceback": tb}


def _svg(rng: random.Random) -> str:
    pts = " ".join(f"{i * 10},{rng.randint(0, 100)}" for i in range(40))
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="100">'
        f'<polyline points="{pts}"/></svg>'
    )


def _target_size(rng: random.Random) -> int:
    u = rng.random()
    for (q0, s0), (q1, s1) in itertools.pairwise(SIZE_QUANTILES):
        if u <= q1:
            t = (u - q0) / (q1 - q0) if q1 > q0 else 0.0
            return int(math.exp(math.log(s0) + t * (math.log(s1) - math.log(s0))))
    return SIZE_QUANTILES[-1][1]


# --- one notebook ---------------------------------------------------------------------------


def make_notebook(
    rng: random.Random, target: int, plant: tuple[str, str, str] | None = None
) -> dict[str, object]:
    """A notebook dict of about `target` bytes; `plant` = (type, value, where)."""
    p_img = next(p for limit, p in IMAGE_PROBABILITY if target <= limit)
    with_images = rng.random() < p_img
    with_outputs = with_images or rng.random() < 0.86
    image_budget = int(target * 0.78) if with_images else 0
    cells: list[dict[str, object]] = []
    size = 600
    n_cells = max(4, int(rng.gauss(41, 15)))
    text_per_cell = max(200, (target - image_budget) // n_cells)
    count = 1
    while size < target:
        cell_id = f"{rng.getrandbits(32):08x}"
        if rng.random() < 0.3:
            src = (
                "## "
                + _sentence(rng, 5)
                + "\n\n"
                + "\n".join(_sentence(rng) for _ in range(rng.randint(1, 6)))
            )
            cells.append(
                {"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": _lines(src)}
            )
            size += len(src) + 80
            continue
        src = "\n".join(rng.choice(CODE_LINES) for _ in range(rng.randint(2, 12)))
        outputs: list[dict[str, object]] = []
        if with_outputs and rng.random() < 0.75:
            r = rng.random()
            budget = max(100, int(text_per_cell * rng.uniform(0.5, 1.5)))
            if image_budget > 0 and r < 0.35:
                side = int(math.sqrt(min(image_budget, max(8_000, target // 6)) / 4.1))
                png = base64.b64encode(_png(rng, max(8, side), max(8, side))).decode()
                image_budget -= len(png)
                outputs.append(
                    {
                        "output_type": "display_data",
                        "metadata": {},
                        "data": {
                            "image/png": png,
                            "text/plain": ["<Figure size 640x480 with 1 Axes>"],
                        },
                    }
                )
                size += len(png) + 150
            elif r < 0.55:
                html = _html_table(rng, max(3, budget // 130))
                outputs.append(
                    {
                        "output_type": "execute_result",
                        "execution_count": count,
                        "metadata": {},
                        "data": {
                            "text/html": _lines(html),
                            "text/plain": ["   a  b  c\n", "0  1  2  3"],
                        },
                    }
                )
                size += len(html) * 2 + 200
            elif r < 0.62:
                outputs.append(_traceback(rng))
                size += 900
            elif r < 0.66:
                svg = _svg(rng)
                outputs.append(
                    {
                        "output_type": "display_data",
                        "metadata": {},
                        "data": {"image/svg+xml": svg, "text/plain": ["<Figure>"]},
                    }
                )
                size += len(svg) + 100
            else:
                log = _stream(rng, max(1, budget // 85))
                outputs.append({"output_type": "stream", "name": "stdout", "text": _lines(log)})
                size += len(log) + 100
        cells.append(
            {
                "cell_type": "code",
                "id": cell_id,
                "metadata": {},
                "execution_count": count if outputs else None,
                "source": _lines(src),
                "outputs": outputs,
            }
        )
        count += 1
        size += len(src) + 150
    metadata: dict[str, object] = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python", "version": "3.11.7"},
    }
    if rng.random() < 0.15:
        metadata["colab"] = {"provenance": [], "gpuType": "T4"}
        metadata["accelerator"] = "GPU"
    if rng.random() < 0.08:
        metadata["widgets"] = {
            "application/vnd.jupyter.widget-state+json": {
                "state": {
                    f"{rng.getrandbits(64):016x}": {
                        "model_name": "FloatProgressModel",
                        "model_module": "@jupyter-widgets/controls",
                        "state": {"value": rng.random(), "description": _sentence(rng, 3)},
                    }
                    for _ in range(rng.randint(5, 60))
                },
                "version_major": 2,
                "version_minor": 0,
            }
        }
    if plant is not None:
        _plant(rng, cells, plant)
    return {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}


def as_saved(nb: dict[str, Any]) -> str:
    """The file a real folder would hold for `nb`: as Colab saves it when it has Colab
    metadata, else as Jupyter (and VS Code) save it: nbformat's writer, keys sorted,
    one-space indent, text split into lines, a final newline."""
    import nbformat
    from nbformat.v4 import nbjson, rwbase

    node = nbformat.from_dict(nb)
    if "colab" not in nb["metadata"]:
        return str(nbjson.writes(node)) + "\n"
    rwbase.split_lines(node)
    cells = []
    for cell in node["cells"]:  # Colab keeps the id in the metadata, keys in its own order
        meta = {"id": cell["id"], **cell["metadata"]}
        ordered = {"cell_type": cell["cell_type"], "source": cell["source"], "metadata": meta}
        if cell["cell_type"] == "code":
            ordered |= {"execution_count": cell["execution_count"], "outputs": cell["outputs"]}
        cells.append(ordered)
    colab = {"nbformat": 4, "nbformat_minor": 0, "metadata": node["metadata"], "cells": cells}
    return json.dumps(colab, indent=2, ensure_ascii=False)


def _plant(rng: random.Random, cells: list[dict[str, object]], plant: tuple[str, str, str]) -> None:
    type_, value, where = plant
    cell_id = f"{rng.getrandbits(32):08x}"
    if where == "traceback":
        cells.insert(
            min(3, len(cells)),
            {
                "cell_type": "code",
                "id": cell_id,
                "metadata": {},
                "execution_count": 3,
                "source": ["client = OpenAI()\n", "client.models.list()"],
                "outputs": [_traceback(rng, value)],
            },
        )
    elif where == "output":
        cells.insert(
            min(2, len(cells)),
            {
                "cell_type": "code",
                "id": cell_id,
                "metadata": {},
                "execution_count": 2,
                "source": ["print(customer)"],
                "outputs": [
                    {
                        "output_type": "stream",
                        "name": "stdout",
                        "text": [f"Customer contact: {value}\n"],
                    }
                ],
            },
        )
    else:
        name = {"aws-access-key-id": "AWS_ACCESS_KEY_ID", "github-token": "GITHUB_TOKEN"}.get(
            type_, "api_key"
        )
        cells.insert(
            min(1, len(cells)),
            {
                "cell_type": "code",
                "id": cell_id,
                "metadata": {},
                "execution_count": None,
                "source": ["import os\n", f'{name} = "{value}"\n'],
                "outputs": [],
            },
        )


# --- the folder -----------------------------------------------------------------------------


def make_corpus(
    out: Path | str | None = None,
    count: int = DEFAULT_COUNT,
    *,
    seed: int = DEFAULT_SEED,
    plant: bool = True,
    checkpoints: bool = True,
    force: bool = False,
) -> CorpusInfo:
    """Write `count` notebooks into `out` (default ``benchmarks/.corpus/n<count>``).

    A folder already generated with the same parameters is reused (see ``corpus.json``).
    """
    folder = Path(out) if out is not None else CORPUS_ROOT / f"n{count}"
    stamp = folder / "corpus.json"
    params = {"count": count, "seed": seed, "plant": plant, "checkpoints": checkpoints, "v": 7}
    if not force and stamp.is_file():
        meta = json.loads(stamp.read_text())
        if meta.get("params") == params:
            info = CorpusInfo(
                folder,
                [folder / f for f in meta["files"]],
                meta["total_bytes"],
                meta["planted"],
                meta["invalid"],
            )
            if all(f.is_file() for f in info.files):
                return info
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    info = CorpusInfo(folder)
    kinds = (
        "openai-api-key",
        "aws-access-key-id",
        "github-token",
        "anthropic-api-key",
        "hugging-face-token",
        "email",
        "phone-number",
    )
    for i in range(count):
        sub = folder / f"project_{i % 23:02d}"
        sub.mkdir(exist_ok=True)
        path = sub / f"nb_{i:04d}.ipynb"
        planted = None
        if plant and i % PLANT_EVERY == 4:
            type_ = kinds[(i // PLANT_EVERY) % len(kinds)]
            where = {"email": "output", "phone-number": "output"}.get(
                type_, rng.choice(["source", "source", "traceback"])
            )
            planted = (type_, _fake_values(rng)[type_], where)
            info.planted[type_] = info.planted.get(type_, 0) + 1
        # The size estimate in make_notebook runs over the written size; correct for it.
        nb = make_notebook(rng, int(_target_size(rng) * 1.03), planted)
        text = as_saved(nb)
        if i % INVALID_EVERY == INVALID_EVERY // 2:
            text = text[: len(text) // 2]  # truncated mid-write: invalid JSON, as real folders have
            info.invalid += 1
        path.write_text(text, encoding="utf-8")
        info.files.append(path)
        info.total_bytes += len(text.encode())
        if checkpoints and i % 50 == 7:
            cp = sub / ".ipynb_checkpoints"
            cp.mkdir(exist_ok=True)
            (cp / f"nb_{i:04d}-checkpoint.ipynb").write_text(text, encoding="utf-8")
    stamp.write_text(
        json.dumps(
            {
                "params": params,
                "files": [str(f.relative_to(folder)) for f in info.files],
                "total_bytes": info.total_bytes,
                "planted": info.planted,
                "invalid": info.invalid,
            },
            indent=1,
        )
    )
    return info


def subset(info: CorpusInfo, out: Path, max_bytes: int) -> CorpusInfo:
    """Hard-link (or copy) the first notebooks of `info` into `out`, up to `max_bytes`."""
    import os
    import shutil

    out.mkdir(parents=True, exist_ok=True)
    sub = CorpusInfo(out)
    for f in info.files:
        size = f.stat().st_size
        if sub.total_bytes + size > max_bytes:
            continue
        dest = out / f"{f.parent.name}_{f.name}"
        if not dest.exists():
            try:
                os.link(f, dest)
            except OSError:
                shutil.copyfile(f, dest)
        sub.files.append(dest)
        sub.total_bytes += size
    return sub


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, default=None, help="folder (default benchmarks/.corpus/n<COUNT>)"
    )
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--no-plant", action="store_true", help="no fake secrets or personal data")
    parser.add_argument("--force", action="store_true", help="regenerate even if present")
    args = parser.parse_args()
    info = make_corpus(
        args.out, args.count, seed=args.seed, plant=not args.no_plant, force=args.force
    )
    print(
        f"{info.path}: {len(info.files)} notebooks, {info.total_bytes / 1e6:.1f} MB, "
        f"{info.invalid} invalid, planted {sum(info.planted.values())}: {info.planted}"
    )


if __name__ == "__main__":
    main()


def _github_token(body: str) -> str:
    """A classic-token look-alike that carries its checksum, as real ones do."""
    from aisafe_nb.detect.validators import github_checksum

    return "gh" + "p_" + body + github_checksum(body)
