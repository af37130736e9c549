"""API guard overhead: scrub + restore per call, beside Presidio; SDK calls with and without.

1. Scrub + restore of a ~2 KB chat prompt holding an email, a phone number, a card, a
   name and a key (median over the prompts and --rounds), three ways:
   - core: the body walk with the Scrubber, plus restoring an answer that echoes it;
   - guard: the full per-call path (loop guard, budget check, audit line; the durable
     ledger update runs on a background thread and is not in this figure);
   - Presidio: AnalyzerEngine.analyze + AnonymizerEngine.anonymize on the same text.
   Target: core < 0.5 ms. Also: the same for a 2 KB prompt with no personal data, and a
   10-turn chat (each call resends the history) with and without the per-text memo.
   Presidio runs on a blank spaCy pipeline (no NER model can be downloaded here), so its
   pattern recognizers run but its NER does not: its figure is a lower bound, in its favour.
2. One real openai SDK call (chat, and chat streamed) against the bundled fake server on
   127.0.0.1, guarded vs unguarded, alternating, median of --calls.

    python benchmarks/bench_guard.py [--rounds 200] [--calls 200]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests import fakes  # noqa: E402

RESULTS = REPO / "benchmarks" / "results"
SEED = 20261127
FILLER = (
    "Please summarise the quarterly report and list the three biggest risks. "
    "Keep the tone neutral and mention the delivery dates we agreed last week. "
    "The attached table has revenue by region; compare it with the previous year. "
)


def prompts(n: int = 8, size: int = 2048) -> list[str]:
    rng = random.Random(SEED)
    out = []
    for i in range(n):
        pii = (
            f" My name is {fakes.full_name(i)}. Reach me at {fakes.email(i)} or "
            f"{fakes.phone_us(i)}; bill card {fakes.credit_card(i)}. Key: {fakes.openai_key(i)}. "
        )
        text = pii
        while len(text) < size:
            text = FILLER[: rng.randrange(40, len(FILLER))] + text
        out.append(text[-size:] if len(text) > size else text)
    return out


def ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 4)


def unique(text: str, r: int) -> str:
    """A text no cache has seen: every round pays the full scan."""
    return f"Request {r}: {text}"[: len(text)]


def bench_core(texts: list[str], rounds: int) -> dict[str, float]:
    from aisafe_nb.detect.engine import default_detector
    from aisafe_nb.intercept.body import scrub_body
    from aisafe_nb.intercept.guard import Guard
    from aisafe_nb.intercept.restore import restore_json
    from aisafe_nb.policy import Policy

    state = tempfile.mkdtemp(prefix="aisafe-bench-")
    policy = Policy(state_dir=state, max_calls_per_cell=0, max_calls_per_minute=0, max_repeats=0)
    guard = Guard(policy)
    core, full, clean, scan = [], [], [], []
    detector = default_detector()  # what the Scrubber uses: the engine's share of "core"
    plain = prompts_without_pii()
    for r in range(rounds):
        text = unique(texts[r % len(texts)], r)
        content = json.dumps(
            {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": text}]}
        ).encode()
        t0 = time.perf_counter()
        result = scrub_body(json.loads(content), guard.scrubber, {})
        sent = json.dumps(result.body).encode()
        echoed = result.body["messages"][0]["content"]
        answer = {"choices": [{"index": 0, "message": {"role": "assistant", "content": echoed}}]}
        restored = json.dumps(restore_json(answer, guard.scrubber.vault)).encode()
        core.append(time.perf_counter() - t0)
        assert text.split("Reach me at ")[1][:5] in restored.decode()
        assert b"@" not in sent
        reply = json.dumps(
            {
                **answer,
                "model": "gpt-4o-mini",
                "usage": {"prompt_tokens": 500, "completion_tokens": 500},
            }
        ).encode()
        content = json.dumps(  # a text the memo has not seen: the full scan is paid
            {
                "model": "gpt-4o-mini",
                "messages": [{"role": "user", "content": unique(text, -r - 1)}],
            }
        ).encode()
        t0 = time.perf_counter()
        prepared = guard.prepare(
            method="POST",
            url="https://api.openai.com/v1/chat/completions",
            headers={"content-type": "application/json"},
            content=content,
        )
        assert prepared is not None
        guard.restore_body(prepared.call, 200, reply, "application/json")
        full.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        detector.scan(unique(texts[r % len(texts)], r + 500_000))
        scan.append(time.perf_counter() - t0)
        text = unique(plain, r)
        t0 = time.perf_counter()
        result = scrub_body({"messages": [{"role": "user", "content": text}]}, guard.scrubber, {})
        restore_json({"choices": [{"message": {"content": text}}]}, guard.scrubber.vault)
        clean.append(time.perf_counter() - t0)
    return {
        "scrub_restore_core_ms": ms(core),
        "of_which_detector_scan_ms": ms(scan),
        "scrub_restore_no_pii_ms": ms(clean),
        "guard_full_path_ms": ms(full),
        **bench_conversation(texts, guard),
    }


def prompts_without_pii(size: int = 2048) -> str:
    text = ""
    while len(text) < size:
        text += FILLER
    return text[:size]


def bench_conversation(texts: list[str], guard) -> dict[str, float]:
    """A 10-turn chat resends its history: per-call scrub time with and without the memo."""
    from aisafe_nb.intercept.body import scrub_body

    out = {}
    for label, scrubber in (("memo", guard.scrubber), ("no_memo", guard.scrubber.inner)):
        samples = []
        for conv in range(5):
            history = []
            for turn in range(10):
                history.append(
                    {
                        "role": "user",
                        "content": unique(texts[turn % len(texts)], conv * 100 + turn + 7),
                    }
                )
                body = {"model": "gpt-4o-mini", "messages": list(history)}
                t0 = time.perf_counter()
                scrub_body(body, scrubber, {})
                samples.append(time.perf_counter() - t0)
        out[f"conversation_10_turns_{label}_ms"] = ms(samples)
    return out


def bench_presidio(texts: list[str], rounds: int) -> dict[str, float] | dict[str, str]:
    try:
        import spacy
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import SpacyNlpEngine
        from presidio_anonymizer import AnonymizerEngine
    except ImportError as exc:
        return {"presidio": f"not installed ({exc.name}); pip install -e '.[bench]'"}
    import logging

    logging.getLogger("tldextract").setLevel(logging.CRITICAL)  # offline: no suffix-list fetch
    engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": "blank"}])
    engine.nlp = {"en": spacy.blank("en")}  # no model download: pattern recognizers only
    analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])
    anonymizer = AnonymizerEngine()
    samples = []
    found = 0
    for r in range(rounds):
        text = texts[r % len(texts)]
        t0 = time.perf_counter()
        results = analyzer.analyze(text=text, language="en")
        out = anonymizer.anonymize(text=text, analyzer_results=results)
        samples.append(time.perf_counter() - t0)
        found = max(found, len(results))
        assert out.text
    return {"presidio_analyze_anonymize_ms": ms(samples), "presidio_findings_per_prompt": found}


def bench_sdk(calls: int) -> dict[str, float]:
    import openai

    from aisafe_nb.intercept.install import guard, unguard
    from aisafe_nb.policy import Policy
    from aisafe_nb.testing.fake_openai import FakeOpenAI

    text = prompts(1)[0]
    messages = [{"role": "user", "content": text}]
    policy = Policy(
        state_dir=tempfile.mkdtemp(prefix="aisafe-bench-"),
        max_calls_per_cell=0,
        max_calls_per_minute=0,
        max_repeats=0,
    )
    timings: dict[str, list[float]] = {k: [] for k in ("off", "on", "off_stream", "on_stream")}
    with FakeOpenAI(chunk_size=16) as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="bench", max_retries=0)

        def one(stream: bool) -> float:
            t0 = time.perf_counter()
            if stream:
                for _ in client.chat.completions.create(
                    model="gpt-4o-mini", messages=messages, stream=True
                ):
                    pass
            else:
                client.chat.completions.create(model="gpt-4o-mini", messages=messages)
            return time.perf_counter() - t0

        for _ in range(5):  # warm up connections and imports
            one(False)
        for i in range(calls):
            on = i % 2 == 1
            if on:
                guard(policy)
            else:
                unguard()
            timings["on" if on else "off"].append(one(False))
            timings["on_stream" if on else "off_stream"].append(one(True))
        unguard()
    result = {f"sdk_call_{k}_ms": ms(v) for k, v in timings.items()}
    result["sdk_call_added_ms"] = round(result["sdk_call_on_ms"] - result["sdk_call_off_ms"], 3)
    result["sdk_stream_added_ms"] = round(
        result["sdk_call_on_stream_ms"] - result["sdk_call_off_stream_ms"], 3
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    texts = prompts()
    results: dict[str, object] = {
        "prompt_chars": statistics.median(len(t) for t in texts),
        "rounds": args.rounds,
        "calls": args.calls,
    }
    results.update(bench_core(texts, args.rounds))
    results.update(bench_presidio(texts, args.rounds))
    results.update(bench_sdk(args.calls))
    ratio = results.get("presidio_analyze_anonymize_ms")
    if isinstance(ratio, float):
        results["presidio_over_core"] = round(ratio / float(results["scrub_restore_core_ms"]), 1)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bench_guard.json").write_text(json.dumps(results, indent=1) + "\n")
    for key, value in results.items():
        print(f"{key:36} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
