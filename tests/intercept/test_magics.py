"""%aisafe budget / spent / log render the guard's state."""

from __future__ import annotations

import openai
import pytest

from aisafe_nb.intercept import magics
from aisafe_nb.intercept.errors import AisafeError


def test_budget_sets_limits_and_spent_shows_them(guarded):
    table = magics.budget(None, "5")
    assert guarded.policy.budget_session == 5.0
    magics.budget(None, "--daily 20 --monthly 100")
    assert (guarded.policy.budget_daily, guarded.policy.budget_monthly) == (20.0, 100.0)
    assert guarded.policy.budget_session == 5.0  # untouched
    table = magics.spent(None, "")
    text = str(table)
    assert "session" in text
    assert "5.00" in text
    assert "100.00" in text
    assert "<table" in table._repr_html_()


def test_budget_rejects_bad_input(guarded):
    with pytest.raises(AisafeError, match="budget"):
        magics.budget(None, "lots")
    with pytest.raises(AisafeError, match="positive"):
        magics.budget(None, "--daily -1")


def test_log_lists_calls_without_values(fake, guarded, secrets):
    c = openai.OpenAI(base_url=fake.base_url, api_key="test")
    c.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": f"mail {secrets['email']}"}]
    )
    table = magics.log(None, "5")
    text = str(table) + table._repr_html_()
    assert "/chat/completions" in text
    assert "email 1" in text
    assert secrets["email"] not in text
    audit = guarded.audit.path.read_text()
    assert secrets["email"] not in audit
    assert '"email": 1' not in audit
    assert '"email":1' in audit
    with pytest.raises(AisafeError, match="whole number"):
        magics.log(None, "x")


def test_budget_survives_a_policy_update_from_the_kernel(guarded):
    magics.budget(None, "5")
    from aisafe_nb.intercept.install import guard
    from aisafe_nb.policy import Policy

    guard(Policy(state_dir=guarded.policy.state_dir, mode="strict"))  # e.g. %aisafe mode strict
    assert guarded.policy.mode == "strict"
    assert guarded.policy.budget_session == 5.0
