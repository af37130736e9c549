"""Precision and recall of a scanner over labelled cases, per type and per target group."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from benchmarks.labelled.generate import Case, group_of

#: The issue's targets: group -> (min precision, min recall).
TARGETS: dict[str, tuple[float, float]] = {
    "secrets": (0.98, 0.97),
    "structured": (0.95, 0.95),
    "names": (0.85, 0.85),
    "addresses": (0.0, 0.80),
    "dob": (0.90, 0.0),
}

Span = tuple[int, int, str]  # start, end, type


@dataclass
class Tally:
    """Counts for one type or group."""

    tp: int = 0
    fp: int = 0
    found: int = 0  # labels recalled
    labels: int = 0

    @property
    def precision(self) -> float:
        """Share of findings that hit a label (1.0 when nothing was reported)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Share of labels hit by a finding (1.0 when there were none)."""
        return self.found / self.labels if self.labels else 1.0


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score(
    cases: Iterable[Case], scan: Callable[[str], list[Span]]
) -> tuple[dict[str, Tally], dict[str, Tally], list[tuple[str, str, str]]]:
    """Per-type and per-group tallies, plus (kind, type, snippet) of every error."""
    by_type: dict[str, Tally] = defaultdict(Tally)
    by_group: dict[str, Tally] = defaultdict(Tally)
    errors: list[tuple[str, str, str]] = []
    for case in cases:
        found = scan(case.text)
        for s, e, t in found:
            g = group_of(t)
            same_type = any(_overlaps((s, e), (ls, le)) and lt == t for ls, le, lt in case.labels)
            same_group = any(
                _overlaps((s, e), (ls, le)) and group_of(lt) == g for ls, le, lt in case.labels
            )
            by_type[t].tp += same_type
            by_type[t].fp += not same_type
            by_group[g].tp += same_group
            by_group[g].fp += not same_group
            if not same_group:
                errors.append(("FP", t, _snippet(case.text, s, e)))
        for ls, le, lt in case.labels:
            g = group_of(lt)
            by_type[lt].labels += 1
            by_group[g].labels += 1
            hit_type = any(_overlaps((s, e), (ls, le)) and t == lt for s, e, t in found)
            hit_group = any(_overlaps((s, e), (ls, le)) and group_of(t) == g for s, e, t in found)
            by_type[lt].found += hit_type
            by_group[g].found += hit_group
            if not hit_group:
                errors.append(("FN", lt, _snippet(case.text, ls, le)))
    return dict(by_type), dict(by_group), errors


def _snippet(text: str, s: int, e: int) -> str:
    """Context around an error, with the value itself masked (never printed in full)."""
    value = text[s:e]
    masked = value[:3] + "*" * max(0, min(len(value) - 3, 12)) if len(value) > 3 else "***"
    return (text[max(0, s - 30) : s] + "[" + masked + "]" + text[e : e + 30]).replace("\n", "⏎")


def failures(by_group: dict[str, Tally]) -> list[str]:
    """Groups that miss their target, as readable lines (empty when all targets are met)."""
    out = []
    for g, (p_min, r_min) in TARGETS.items():
        t = by_group.get(g, Tally())
        if t.precision < p_min or t.recall < r_min:
            out.append(f"{g}: P={t.precision:.3f} (>= {p_min}) R={t.recall:.3f} (>= {r_min})")
    return out


def aisafe_spans(text: str) -> list[tuple[int, int, str]]:
    """aisafe-nb's findings in `text` as (start, end, type): what `score` compares."""
    from aisafe_nb.detect import scan_text

    return [(f.start, f.end, f.type) for f in scan_text(text)]


def table_row(name: str, t: Tally) -> str:
    """One row of the per-type / per-group table the accuracy scripts print."""
    return f"{name:24s} {t.labels:6d} {t.tp + t.fp:6d} {t.precision:7.3f} {t.recall:7.3f}"


def report(
    title: str,
    cases: list[Case],
    *,
    seed: int,
    show_errors: bool = False,
    only_group: str | None = None,
) -> int:
    """Score `cases` with aisafe-nb, print the per-type and per-group tables; 1 if a target
    is missed. Shared by `benchmarks.accuracy` and `benchmarks.faker_check`."""
    n_labels = sum(len(c.labels) for c in cases)
    n_neg = sum(1 for c in cases if not c.labels)
    print(f"{title}: {len(cases)} texts, {n_labels} labelled values, {n_neg} hard negatives "
          f"(seed {seed})\n")
    by_type, by_group, errors = score(cases, aisafe_spans)
    header = f"{'labels':>6s} {'found':>6s} {'prec':>7s} {'recall':>7s}"
    print(f"{'type':24s} {header}")
    for name in sorted(by_type):
        print(table_row(name, by_type[name]))
    print(f"\n{'group':24s} {header}  target P/R")
    for grp, (p, r) in TARGETS.items():
        print(table_row(grp, by_group.get(grp, Tally())) + f"  {p:.2f}/{r:.2f}")
    if show_errors:
        print()
        for kind, type_, snip in errors:
            if not only_group or group_of(type_) == only_group:
                print(f"{kind} {type_:22s} {snip}")
    missed = failures(by_group)
    print("\nall targets met" if not missed else "\nmissed: " + "; ".join(missed))
    return 1 if missed else 0
