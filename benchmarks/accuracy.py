"""Precision and recall of aisafe-nb's detector on the generated labelled set.

Run: ``python -m benchmarks.accuracy [--seed N] [--errors]``. Prints a table per type and
per target group (secrets, structured PII, names, addresses, dates of birth) against the
issue's targets, and exits 1 when a group misses its target.
"""

from __future__ import annotations

import argparse
import sys

from benchmarks.labelled.generate import build_cases
from benchmarks.labelled.score import TARGETS, Tally, aisafe_spans, failures, score, table_row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--errors", action="store_true", help="list misses and false alarms (masked)")
    args = ap.parse_args(argv)
    cases = build_cases(seed=args.seed)
    n_labels = sum(len(c.labels) for c in cases)
    n_neg = sum(1 for c in cases if not c.labels)
    print(
        f"labelled set: {len(cases)} texts, {n_labels} labelled values, {n_neg} hard negatives "
        f"(seed {args.seed})\n"
    )
    by_type, by_group, errors = score(cases, aisafe_spans)
    print(f"{'type':24s} {'labels':>6s} {'found':>6s} {'prec':>7s} {'recall':>7s}")
    for name in sorted(by_type):
        print(table_row(name, by_type[name]))
    print(f"\n{'group':24s} {'labels':>6s} {'found':>6s} {'prec':>7s} {'recall':>7s}  target P/R")
    for g, (p, r) in TARGETS.items():
        print(table_row(g, by_group.get(g, Tally())) + f"  {p:.2f}/{r:.2f}")
    if args.errors:
        print()
        for kind, type_, snip in errors:
            print(f"{kind} {type_:22s} {snip}")
    missed = failures(by_group)
    print("\nall targets met" if not missed else "\nmissed: " + "; ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
