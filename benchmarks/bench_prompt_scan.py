"""Prompt scanning speed: aisafe-nb vs Presidio's regex recognizers, side by side in one run.

Both tools see the same generated 2 KB prompts (support tickets, code questions, plain
instructions; some with personal data, some without). Reported: median microseconds per
prompt and the ratio, for

1. detection: ``scan_text`` (all secret and PII rules) vs Presidio ``AnalyzerEngine``
   restricted to its pattern recognizers for the same entity types (email, phone, card,
   SSN, IBAN, IP, URL, date) with the no-op NLP engine, i.e. Presidio's fastest
   configuration (no spaCy model);
2. round trip: ``Scrubber.scrub`` + ``restore`` vs Presidio analyzer + ``AnonymizerEngine``
   (replace operator) — Presidio has no built-in restore, so its side does less work.

Run: ``python -m benchmarks.bench_prompt_scan [--rounds N]``. Needs the ``bench`` extra.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

from aisafe_nb.detect import scan_text
from aisafe_nb.scrub import Scrubber
from tests import fakes as F

PROMPT_SIZE = 2048

_FILLER = (
    "Please keep the answer short and cite the relevant section of the policy. ",
    "The model should answer in English and use bullet points where it helps. ",
    "Context: the customer has been with us since 2019 and is on the annual plan. ",
    "Summarise the conversation so far and propose the next step for the agent. ",
    "If the question is about billing, explain the refund rules in two sentences. ",
)


def make_prompts(n: int, seed: int = 11) -> list[str]:
    """`n` prompts of 2 KB; two thirds carry personal data, one third none."""
    rng = random.Random(seed)
    prompts = []
    for i in range(n):
        if i % 3 == 2:
            head = "You are a helpful assistant. Rewrite the following paragraph more clearly. "
        else:
            head = (
                f"Ticket from {F.full_name(i)}: my card {F.credit_card(i)} was charged twice. "
                f"Call me at {F.phone_us(i)} or write to {F.email(i)}. "
                f"Shipping address: {F.street_address(i)}. "
            )
        text = head
        while len(text) < PROMPT_SIZE:
            text += rng.choice(_FILLER)
        prompts.append(text[:PROMPT_SIZE])
    return prompts


def _median_us(fn: Callable[[str], object], prompts: list[str], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        for p in prompts:
            t0 = time.perf_counter()
            fn(p)
            times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e6


#: Presidio entities matching what aisafe-nb's PII rules cover (its other recognizers, for
#: passports, licences and national ids of many countries, are left out to be fair).
SAME_TYPES = [
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "US_SSN",
    "IBAN_CODE",
    "IP_ADDRESS",
    "URL",
    "DATE_TIME",
]


def _presidio() -> tuple[Callable[[str], object], Callable[[str], object]]:
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NoOpNlpEngine
    from presidio_anonymizer import AnonymizerEngine

    registry = RecognizerRegistry()
    registry.load_predefined_recognizers(languages=["en"])
    # Keep only pattern (regex) recognizers: the NER one needs a spaCy model.
    registry.recognizers = [
        r for r in registry.recognizers if type(r).__name__ != "SpacyRecognizer"
    ]
    analyzer = AnalyzerEngine(
        registry=registry,
        nlp_engine=NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "none"}]),
        supported_languages=["en"],
    )
    anonymizer = AnonymizerEngine()

    def analyze(text: str) -> object:
        return analyzer.analyze(text=text, language="en", entities=SAME_TYPES)

    def round_trip(text: str) -> object:
        results = analyzer.analyze(text=text, language="en", entities=SAME_TYPES)
        return anonymizer.anonymize(text=text, analyzer_results=results).text  # type: ignore[arg-type]

    return analyze, round_trip


def _aisafe_round_trip(text: str) -> object:
    scrubber = Scrubber()
    return scrubber.restore(scrubber.scrub(text).text)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--prompts", type=int, default=30)
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args(argv)
    prompts = make_prompts(args.prompts)
    for p in prompts:  # warm caches (rule loading, name lists, phonenumbers metadata)
        scan_text(p)
    presidio_analyze, presidio_round_trip = _presidio()
    for p in prompts[:3]:
        presidio_round_trip(p)

    rows = [
        ("detect", lambda t: scan_text(t), presidio_analyze),
        ("scrub+restore", _aisafe_round_trip, presidio_round_trip),
    ]
    print(
        f"{len(prompts)} prompts x {args.rounds} rounds, {PROMPT_SIZE} chars each; "
        "median microseconds per prompt"
    )
    print(f"{'task':16s} {'aisafe-nb':>10s} {'presidio':>10s} {'ratio':>7s}")
    for name, ours, theirs in rows:
        a = _median_us(ours, prompts, args.rounds)
        b = _median_us(theirs, prompts, args.rounds)
        print(f"{name:16s} {a:10.0f} {b:10.0f} {b / a:6.1f}x")
    clean = [p for i, p in enumerate(prompts) if i % 3 == 2]
    a = _median_us(scan_text, clean, args.rounds)
    b = _median_us(presidio_analyze, clean, args.rounds)
    print(f"{'detect (no PII)':16s} {a:10.0f} {b:10.0f} {b / a:6.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
