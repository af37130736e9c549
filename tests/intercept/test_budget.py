"""Budgets and the loop guard refuse calls before any byte is sent."""

from __future__ import annotations

import warnings

import openai
import pytest

import aisafe_nb
from aisafe_nb.intercept.errors import LoopGuardTripped
from aisafe_nb.intercept.ledger import Ledger, Totals
from aisafe_nb.intercept.limits import LoopGuard, check_budget, requested_output_tokens
from aisafe_nb.intercept.prices import Price, PriceTable, Usage
from aisafe_nb.intercept.usage import usage_from_payload
from aisafe_nb.policy import Policy

MODEL = "gpt-4o-mini"


def client(fake):
    return openai.OpenAI(base_url=fake.base_url, api_key="test", max_retries=0)


def chat(c, text, **kwargs):
    return c.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": text}], **kwargs
    )


def test_tiny_budget_refuses_next_call_before_sending(fake, make_guard):
    guard = make_guard(budget_session=0.00002)
    c = client(fake)
    chat(c, "first call " * 20, max_tokens=10)
    assert len(fake.requests) == 1
    spent = guard.totals().session
    assert spent > 0

    def spend_until_refused():
        for _ in range(10):
            chat(c, "next call " * 20, max_tokens=10)

    with pytest.raises(aisafe_nb.BudgetExceeded) as info:
        spend_until_refused()
    assert "session budget" in str(info.value)
    sent = len(fake.requests)
    assert guard.totals().session <= 0.00002  # never passed the limit
    with pytest.raises(aisafe_nb.BudgetExceeded):
        chat(c, "again " * 20, max_tokens=10)
    assert len(fake.requests) == sent  # the refused call never reached the server


def test_worst_case_counts_max_tokens(fake, make_guard):
    make_guard(budget_daily=0.001)
    with pytest.raises(aisafe_nb.BudgetExceeded) as info:
        chat(client(fake), "hello", max_tokens=100_000)  # 100k output tokens > 0.001 USD
    assert fake.requests == []
    assert "daily budget" in str(info.value)


def test_loop_of_50_stops_at_cell_limit(fake, make_guard):
    guard = make_guard(max_calls_per_cell=10, max_repeats=0)
    guard.begin_cell()
    c = client(fake)
    done = []

    def loop_of_50():
        for i in range(50):
            chat(c, f"question {i}")
            done.append(i)

    with pytest.raises(LoopGuardTripped) as info:
        loop_of_50()
    assert len(done) == 10
    assert len(fake.requests) == 10
    assert "max_calls_per_cell" in str(info.value)
    assert isinstance(info.value, aisafe_nb.BudgetExceeded)
    guard.begin_cell()  # the next cell may call again
    chat(c, "new cell")
    assert len(fake.requests) == 11


def test_same_request_repeated(fake, make_guard):
    make_guard(max_repeats=3)
    c = client(fake)
    for _ in range(3):
        chat(c, "same")
    with pytest.raises(LoopGuardTripped, match="max_repeats"):
        chat(c, "same")
    chat(c, "different")  # a different body resets the run
    assert len(fake.requests) == 4


def test_calls_per_minute():
    loop = LoopGuard()
    policy = Policy(max_calls_per_minute=3, max_calls_per_cell=0, max_repeats=0)
    for i in range(3):
        loop.admit(policy, f"d{i}", now=100.0 + i)
    with pytest.raises(LoopGuardTripped, match="last minute"):
        loop.admit(policy, "d4", now=110.0)
    loop.admit(policy, "d5", now=161.0)  # the first call left the window


def test_check_budget_names_the_limit():
    policy = Policy(budget_monthly=1.0)
    check_budget(policy, Totals(0.0, 0.0, 0.5), 0.4)
    with pytest.raises(aisafe_nb.BudgetExceeded, match=r"monthly budget 1\.00 USD"):
        check_budget(policy, Totals(0.0, 0.0, 0.7), 0.4)


def test_requested_output_tokens():
    assert requested_output_tokens({"max_tokens": 50}, "/chat/completions") == 50
    assert requested_output_tokens({"max_completion_tokens": 7, "n": 3}, "/chat/completions") == 21
    assert requested_output_tokens({"max_output_tokens": 9}, "/responses") == 9
    assert requested_output_tokens({}, "/embeddings") == 0
    assert requested_output_tokens({}, "/chat/completions") > 0


def test_price_table_longest_prefix_and_unknown_model(tmp_path):
    table = PriceTable.load(default=(10.0, 30.0))
    assert table.updated
    assert table.lookup("gpt-4o-mini-2024-07-18") == table.models["gpt-4o-mini"]
    assert table.lookup("gpt-4o-2024-08-06") == table.models["gpt-4o"]
    assert table.lookup("ft:gpt-4o-mini:org::abc") == table.models["gpt-4o-mini"]
    with pytest.warns(UserWarning, match="no price for model 'mystery-model'"):
        assert table.lookup("mystery-model") == Price(10.0, 10.0, 30.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table.lookup("mystery-model")  # warned once only
    cost = table.cost(
        "gpt-4o", Usage(input_tokens=1_000_000, cached_tokens=500_000, output_tokens=0)
    )
    assert cost == pytest.approx(0.5 * 2.5 + 0.5 * 1.25)


def test_price_override_file(tmp_path):
    override = tmp_path / "prices.toml"
    override.write_text('[models."my-model"]\ninput = 1.0\noutput = 2.0\n')
    table = PriceTable.load(default=(10.0, 30.0), override=override)
    assert table.lookup("my-model-v2") == Price(1.0, 1.0, 2.0)


def test_ledger_totals_survive_new_instances(tmp_path):
    Ledger(tmp_path, "s1").add(0.25)
    Ledger(tmp_path, "s2").add(0.5)
    totals = Ledger(tmp_path, "s1").totals()
    assert totals == Totals(session=0.25, daily=0.75, monthly=0.75)


def test_corrupt_ledger_is_kept_aside(tmp_path):
    (tmp_path / "ledger.json").write_text("{not json")
    assert Ledger(tmp_path, "s").add(1.0).daily == 1.0
    assert list(tmp_path.glob("ledger.corrupt-*.json"))


def test_parallel_calls_reserve_their_worst_case(fake, make_guard):
    import asyncio

    # each call's worst case is ~0.0006 USD (1000 output tokens at 0.60/1M): 5 fit in 0.003
    make_guard(budget_session=0.003, max_repeats=0)

    async def main():
        c = openai.AsyncOpenAI(base_url=fake.base_url, api_key="test", max_retries=0)
        calls = [
            c.chat.completions.create(
                model=MODEL, messages=[{"role": "user", "content": f"q{i}"}], max_tokens=1000
            )
            for i in range(20)
        ]
        results = await asyncio.gather(*calls, return_exceptions=True)
        await c.close()
        return results

    results = asyncio.run(main())
    refused = [r for r in results if isinstance(r, aisafe_nb.BudgetExceeded)]
    assert len(refused) >= 15  # in flight at once: the reservations stop the rest
    assert len(fake.requests) == len(results) - len(refused)


def test_booking_happens_off_thread_but_is_never_lost(fake, make_guard, state):
    import json as _json

    guard = make_guard(budget_session=1.0)
    c = client(fake)
    for i in range(5):
        chat(c, f"call {i}", max_tokens=10)
    assert guard.flush(timeout=30)
    data = _json.loads((state / "ledger.json").read_text())
    booked = sum(e["cost_usd"] for e in guard.audit.tail(100))
    assert sum(data["days"].values()) == pytest.approx(booked)
    assert guard._reserved == pytest.approx(0.0)  # every reservation released once booked


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        # chat completions; the Responses API's final event; Realtime's response.done
        ({"usage": {"prompt_tokens": 9, "completion_tokens": 4,
                    "prompt_tokens_details": {"cached_tokens": 2}}}, Usage(9, 2, 4)),
        ({"type": "response.completed", "response": {"usage": {
            "input_tokens": 9, "output_tokens": 4, "input_tokens_details": {"cached_tokens": 2}}}},
         Usage(9, 2, 4)),
        ({"type": "response.done", "response": {"usage": {
            "input_tokens": 9, "output_tokens": 4, "input_token_details": {"cached_tokens": 2}}}},
         Usage(9, 2, 4)),
        # Anthropic: cache reads and writes are counted apart from input_tokens
        ({"usage": {"input_tokens": 5, "output_tokens": 4, "cache_read_input_tokens": 2,
                    "cache_creation_input_tokens": 3}}, Usage(10, 2, 4)),
        ({"type": "message_start", "message": {"usage": {"input_tokens": 7, "output_tokens": 1}}},
         Usage(7, 0, 1)),
        ({"type": "message_delta", "usage": {"output_tokens": 30}}, Usage(0, 0, 30)),
        ({"type": "content_block_delta", "delta": {"text": "hi"}}, None),
    ],
)
def test_usage_from_each_api(payload, expected):
    assert usage_from_payload(payload) == expected


def test_usage_reported_in_parts_adds_up():
    """Anthropic's stream: input tokens first, output tokens (cumulative) later."""
    start, later, last = Usage(7, 0, 1), Usage(0, 0, 12), Usage(0, 0, 30)
    assert start.merged(later).merged(last) == Usage(7, 0, 30)
