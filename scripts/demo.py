"""`make demo`: what aisafe-nb does, on notebooks generated at run time.

1. writes a folder of leaky notebooks (inline key, personal data in a prompt, a token
   in a traceback) into demo-output/;
2. scans it with `aisafe-nb scan` (previews only, never the keys);
3. shows what scrubbing a prompt does, and restoring the answer;
4. cleans a copy with `aisafe-nb clean --output-dir` and scans the copy again;
5. runs notebooks/quickstart.ipynb in a real kernel against a local OpenAI-compatible
   endpoint on 127.0.0.1 and prints what the user wrote beside what the endpoint received.

`--lab` opens JupyterLab on the demo folder instead (the server extension is live there).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "demo-output"
sys.path.insert(0, str(ROOT / "scripts"))

import demo_notebooks  # noqa: E402  (a sibling script, not a package)


def heading(text: str) -> None:
    """Print a section heading."""
    print(f"\n\033[1m== {text} ==\033[0m", flush=True)


def run(*args: str) -> int:
    """Run the aisafe-nb command line and stream its output."""
    print("$ aisafe-nb " + " ".join(args), flush=True)
    return subprocess.call([sys.executable, "-m", "aisafe_nb", *args], cwd=ROOT)


def step_scan(folder: Path) -> None:
    heading("1. Scan a folder of leaky notebooks")
    code = run("scan", str(folder.relative_to(ROOT)))
    print(f"(exit code {code}: 1 means something was found)")


def step_scrub() -> None:
    heading("2. Scrub a prompt before it leaves the machine")
    from aisafe_nb import Scrubber

    prompt = (
        "Hi, my name is " + "Maria" + " " + "Garcia. Write a reply to maria.garcia"
        + "@"
        + "contoso-mail.com about the refund for card "
        + "5555 5555 5555 "
        + "4444, and call +44 20 7946 0"
        + "958."
    )
    scrubber = Scrubber()
    scrubbed = scrubber.scrub(prompt)
    print("user wrote :", prompt)
    print("model sees :", scrubbed.text)
    for placeholder in scrubbed.vault:
        print(f"   {placeholder:<16} <- kept on this machine")
    answer = f"Dear {next(iter(scrubbed.vault), '')}, we have refunded your card."
    print("model said :", answer)
    print("user reads :", scrubber.restore(answer))


def step_clean(folder: Path) -> None:
    heading("3. Clean a copy for sharing (strip outputs, redact secrets and personal data)")
    target = OUT / "clean"
    shutil.rmtree(target, ignore_errors=True)
    out, src = str(target.relative_to(ROOT)), str(folder.relative_to(ROOT))
    run("clean", "--pii", "--output-dir", out, src)
    heading("4. Scan the cleaned copy")
    code = run("scan", str(target.relative_to(ROOT)))
    print(f"(exit code {code}: 0 means nothing left)")


def step_guard() -> None:
    heading("5. The API guard in a real kernel (notebooks/quickstart.ipynb)")
    import nbformat

    from aisafe_nb.testing.demo import run_notebook, side_by_side

    nb = nbformat.read(ROOT / "notebooks" / "quickstart.ipynb", as_version=4)
    run = run_notebook(nb, OUT / "guard")
    nbformat.write(run.notebook, OUT / "guard" / "quickstart-executed.ipynb")
    print(side_by_side(run))
    print("(the executed notebook is in demo-output/guard/quickstart-executed.ipynb)")


def open_lab(folder: Path) -> int:
    """Start JupyterLab on the demo folder (Ctrl+C to stop)."""
    shutil.copy(ROOT / "notebooks" / "quickstart.ipynb", folder / "quickstart.ipynb")
    return subprocess.call([sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={folder}"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lab", action="store_true", help="open JupyterLab on the demo folder")
    args = parser.parse_args()
    folder = OUT / "notebooks"
    shutil.rmtree(folder, ignore_errors=True)
    demo_notebooks.build(folder)
    if args.lab:
        return open_lab(folder)
    step_scan(folder)
    step_scrub()
    step_clean(folder)
    step_guard()
    print("\nDone. The generated files are in demo-output/ (git-ignored).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
