"""plan_fix / apply_env / ensure_gitignored: rewriting cells and writing `.env` safely."""

from __future__ import annotations

import os
import stat
import subprocess

import pytest

from aisafe_nb.envfile import EnvConflictError, format_assignment, read_env
from aisafe_nb.fixkeys import apply_env, check_gitignored, ensure_gitignored, name_for, plan_fix
from aisafe_nb.fixkeys.naming import unique_name
from tests.fakes import openai_key

K1 = openai_key(0)
K2 = openai_key(1)


def test_no_key_means_no_plan():
    assert plan_fix("x = 1\nprint('hello')\n", existing_env={}) is None


def test_client_argument_is_rewritten_and_header_added():
    src = f'from openai import OpenAI\nclient = OpenAI(api_key="{K1}")\n'
    fix = plan_fix(src, existing_env={})
    assert fix is not None
    assert K1 not in fix.new_source
    assert "client = OpenAI(api_key=os.environ['OPENAI_API_KEY'])" in fix.new_source
    assert fix.new_source.startswith("import os\nfrom dotenv import load_dotenv\nload_dotenv()\n")
    assert [m.name for m in fix.moves] == ["OPENAI_API_KEY"]
    assert fix.moves[0].line == 2
    compile(fix.new_source, "<cell>", "exec")


def test_value_never_in_repr_or_description():
    fix = plan_fix(f'openai.api_key = "{K1}"\n', existing_env={})
    assert fix is not None
    assert K1 not in repr(fix)
    assert K1 not in "\n".join(fix.describe())
    assert fix.moves[0].value == K1
    assert fix.moves[0].preview in "\n".join(fix.describe())


def test_idempotent():
    src = f'import os\nopenai.api_key = "{K1}"\n'
    fix = plan_fix(src, existing_env={})
    assert fix is not None
    again = plan_fix(fix.new_source, existing_env={"OPENAI_API_KEY": K1})
    assert again is None
    assert fix.new_source.count("import os") == 1


def test_environ_assignment_is_deleted_and_magic_env_removed():
    src = f'import os\nos.environ["MY_TOKEN"] = "{K1}"\n%env OTHER_KEY={K2}\nprint(1)\n'
    fix = plan_fix(src, existing_env={})
    assert fix is not None
    assert {m.name for m in fix.moves} == {"MY_TOKEN", "OTHER_KEY"}
    assert "MY_TOKEN" not in fix.new_source
    assert "%env" not in fix.new_source
    assert "load_dotenv()" in fix.new_source
    assert "print(1)" in fix.new_source


def test_sole_statement_of_a_block_becomes_pass():
    src = f'import os\nif True:\n    os.environ["A_KEY"] = "{K1}"\n'
    fix = plan_fix(src, existing_env={})
    assert fix is not None
    assert "    pass\n" in fix.new_source
    compile(fix.new_source, "<cell>", "exec")


def test_fstring_and_shell_lines_need_manual_fix():
    src = f'x = f"Bearer {{y}}{K1}"\n!curl -H "Authorization: Bearer {K2}" localhost\n'
    fix = plan_fix(src, existing_env={})
    assert fix is not None
    assert fix.moves == []
    assert fix.new_source == src
    reasons = [m.reason for m in fix.manual]
    assert any("f-string" in r for r in reasons)
    assert any("shell" in r for r in reasons)


def test_cell_magic_needs_manual_fix():
    src = f"%%bash\ncurl -H 'x: {K1}' localhost\n"
    fix = plan_fix(src, existing_env={})
    assert fix is not None
    assert not fix.moves
    assert "manual fix needed" in fix.describe()[0]


def test_existing_name_with_other_value_gets_suffix():
    fix = plan_fix(f'openai.api_key = "{K1}"\n', existing_env={"OPENAI_API_KEY": K2})
    assert fix is not None
    move = fix.moves[0]
    assert move.name == "OPENAI_API_KEY_2"
    assert move.renamed_from == "OPENAI_API_KEY"
    assert "os.environ['OPENAI_API_KEY_2']" in fix.new_source


def test_existing_name_with_same_value_is_reused():
    fix = plan_fix(f'openai.api_key = "{K1}"\n', existing_env={"OPENAI_API_KEY": K1})
    assert fix is not None
    assert fix.moves[0].name == "OPENAI_API_KEY"
    assert fix.moves[0].reused


def test_assigned_env_shaped_name_is_kept():
    fix = plan_fix(f'SERVICE_API_KEY = "{K1}"\napi_key = "{K2}"\n', existing_env={})
    assert fix is not None
    assert [m.name for m in fix.moves] == ["SERVICE_API_KEY", "OPENAI_API_KEY"]


def test_magic_lines_do_not_block_python_rewrite():
    src = f'%matplotlib inline\nkey = "{K1}"\n!ls\n'
    fix = plan_fix(src, existing_env={})
    assert fix is not None
    assert "key = os.environ['OPENAI_API_KEY']" in fix.new_source
    assert "%matplotlib inline\n" in fix.new_source
    assert "!ls" in fix.new_source


def test_names():
    assert name_for("openai-api-key") == "OPENAI_API_KEY"
    assert name_for("aws-access-key-id") == "AWS_ACCESS_KEY_ID"
    assert unique_name("A", "v", {"A": "w", "A_2": "x"}) == "A_3"


def test_apply_env_writes_private_file(tmp_path):
    env = tmp_path / ".env"
    fix = plan_fix(f'openai.api_key = "{K1}"\n', existing_env={})
    assert fix is not None
    messages = apply_env(env, fix.moves)
    assert messages == ["OPENAI_API_KEY added to .env"]
    assert read_env(env) == {"OPENAI_API_KEY": K1}
    assert stat.S_IMODE(env.stat().st_mode) == 0o600
    assert not [p for p in tmp_path.iterdir() if p.name != ".env"]  # no temp file left


def test_apply_env_keeps_existing_and_reuses(tmp_path):
    env = tmp_path / ".env"
    env.write_text("# mine\nOTHER=1", encoding="utf-8")
    os.chmod(env, 0o644)
    fix = plan_fix(f'openai.api_key = "{K1}"\n', existing_env=read_env(env))
    assert fix is not None
    apply_env(env, fix.moves)
    text = env.read_text(encoding="utf-8")
    assert text.startswith("# mine\nOTHER=1\n")
    assert stat.S_IMODE(env.stat().st_mode) == 0o600
    again = apply_env(env, fix.moves)
    assert "reused" in again[0]
    assert env.read_text(encoding="utf-8") == text


def test_apply_env_refuses_stale_plan(tmp_path):
    env = tmp_path / ".env"
    fix = plan_fix(f'openai.api_key = "{K1}"\n', existing_env={})
    assert fix is not None
    env.write_text(f"OPENAI_API_KEY={K2}\n", encoding="utf-8")
    with pytest.raises(EnvConflictError, match="different value"):
        apply_env(env, fix.moves)
    assert read_env(env) == {"OPENAI_API_KEY": K2}


@pytest.mark.parametrize("value", ["plain-Value_1", "has space", 'it\'s "quoted" \\ x', "a#b"])
def test_format_assignment_round_trips(tmp_path, value):
    env = tmp_path / ".env"
    env.write_text(format_assignment("X", value) + "\n", encoding="utf-8")
    assert read_env(env) == {"X": value}


def _git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_gitignore_outside_repo(tmp_path):
    status = ensure_gitignored(tmp_path / ".env")
    assert not status.in_repo
    assert status.ok
    assert not status.added


def test_gitignore_added_in_repo(tmp_path):
    _git(tmp_path, "init", "-q")
    (tmp_path / ".gitignore").write_text("*.pyc", encoding="utf-8")
    env = tmp_path / ".env"
    env.write_text("A=1\n", encoding="utf-8")
    assert not check_gitignored(env).ignored
    status = ensure_gitignored(env)
    assert status.added
    assert status.ignored
    assert status.ok
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == "*.pyc\n.env\n"
    assert ensure_gitignored(env).added is False  # second time: nothing to do


def test_tracked_env_is_reported(tmp_path):
    _git(tmp_path, "init", "-q")
    env = tmp_path / ".env"
    env.write_text("A=1\n", encoding="utf-8")
    _git(tmp_path, "add", ".env")
    status = ensure_gitignored(env)
    assert status.tracked
    assert not status.ok
    assert any("already tracked" in line for line in status.describe())


def test_env_magic_with_unknown_format_value_is_found_and_moved():
    value = "Zx81kLm" + "Q0pWv7rTyU3"
    src = f"%env MY_SERVICE_TOKEN {value}\nprint(1)\n"
    fix = plan_fix(src, existing_env={})
    assert fix is not None
    assert [m.name for m in fix.moves] == ["MY_SERVICE_TOKEN"]
    assert value not in fix.new_source
    assert "%env" not in fix.new_source


def test_scan_view_keeps_offsets():
    from aisafe_nb.fixkeys.ipyview import scan_view

    src = "x = 1\n  %set_env A_TOKEN  abc\n%env B=c\n%envy nope\n"
    view = scan_view(src)
    assert len(view) == len(src)
    assert view == "x = 1\n           A_TOKEN= abc\n     B=c\n%envy nope\n"
