"""The API guard: scrub every OpenAI SDK request, restore answers, enforce budgets, log.

Entry points: `aisafe_nb.intercept.install.guard` / `unguard` (also ``aisafe_nb.guard``);
errors in `aisafe_nb.intercept.errors`; magics in `aisafe_nb.intercept.magics`.
Nothing heavy is imported here: the package is loaded by ``%load_ext``.
"""
