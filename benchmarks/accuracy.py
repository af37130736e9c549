"""Precision and recall of aisafe-nb's detector on the generated labelled set.

Run: ``python -m benchmarks.accuracy [--seed N] [--errors]``. Prints a table per type and
per target group (secrets, structured PII, names, addresses, dates of birth) against the
issue's targets, and exits 1 when a group misses its target.
"""

from __future__ import annotations

import argparse
import sys

from benchmarks.labelled.generate import build_cases
from benchmarks.labelled.score import report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--errors", action="store_true", help="list misses and false alarms (masked)")
    args = ap.parse_args(argv)
    cases = build_cases(seed=args.seed)
    return report("labelled set", cases, seed=args.seed, show_errors=args.errors)


if __name__ == "__main__":
    sys.exit(main())
