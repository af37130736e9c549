"""Move inline API keys out of notebook cells into ``.env`` (library behind ``fix-keys``).

Used by ``%aisafe fix`` in the kernel, the ``aisafe-nb fix-keys`` command and the
JupyterLab "Move inline keys to .env" command; each surface only renders the results.

    fix = plan_fix(cell_source, existing_env=read_env(env_path))
    if fix and fix.moves:
        messages = apply_env(env_path, fix.moves)
        status = ensure_gitignored(env_path)
"""

from aisafe_nb.envfile import (
    GitignoreStatus,
    apply_env,
    check_gitignored,
    ensure_gitignored,
    read_env,
)
from aisafe_nb.fixkeys.model import KeyFix, KeyMove, ManualFix
from aisafe_nb.fixkeys.naming import name_for, name_for_type
from aisafe_nb.fixkeys.rewrite import plan_fix

__all__ = [
    "GitignoreStatus",
    "KeyFix",
    "KeyMove",
    "ManualFix",
    "apply_env",
    "check_gitignored",
    "ensure_gitignored",
    "name_for",
    "name_for_type",
    "plan_fix",
    "read_env",
]
