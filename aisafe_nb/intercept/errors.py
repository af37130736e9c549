"""Typed errors of the API guard.

Every message is one line that says what was refused and how to proceed; none carries a
scrubbed value (only finding types, previews or amounts). They derive from ``RuntimeError``
rather than an HTTP-library error so the OpenAI SDK (3.x) re-raises them unchanged instead
of retrying them as connection failures.
"""

from __future__ import annotations

import sys


class AisafeError(RuntimeError):
    """Base class: aisafe-nb refused or could not complete an API request."""


class ScrubError(AisafeError):
    """Scrubbing the request failed, so the request was not sent (fail closed)."""


class BlockedContent(AisafeError):
    """The request contains a finding whose policy operator is ``block``; nothing was sent."""


class BudgetExceeded(AisafeError):
    """The worst-case cost of the request could pass a budget limit; nothing was sent."""


class LoopGuardTripped(BudgetExceeded):
    """Too many calls in one cell or one minute, or the same request repeated; nothing sent.

    A subclass of `BudgetExceeded` so one ``except BudgetExceeded`` covers every refusal
    that protects the user's money.
    """


class ResponseError(AisafeError):
    """The API answered with a body the guard could not read (malformed or truncated)."""


#: The base error class of each SDK the guard serves (module, class): an error that is one
#: of these is re-raised by that SDK unchanged.
SDK_ERRORS = (("openai", "OpenAIError"), ("anthropic", "AnthropicError"))

_SDK_VARIANTS: dict[tuple[type[AisafeError], tuple[type, ...]], type[AisafeError]] = {}


def for_sdk(exc: AisafeError) -> AisafeError:
    """`exc` as an instance that is also each loaded SDK's base error (``openai.OpenAIError``,
    ``anthropic.AnthropicError``).

    The SDKs retry any other exception raised while sending and then hide it behind
    ``APIConnectionError: Connection error.``; their own error type is re-raised unchanged,
    so the user sees our one-line message at once. ``except aisafe_nb.ScrubError`` still
    works: the variant subclasses the original class. No SDK is ever imported for this.
    """
    bases: list[type] = []
    for module, name in SDK_ERRORS:
        base = getattr(sys.modules.get(module), name, None)
        if isinstance(base, type) and not isinstance(exc, base):
            bases.append(base)
    if not bases:
        return exc
    cls = type(exc)
    key = (cls, tuple(bases))
    variant = _SDK_VARIANTS.get(key)
    if variant is None:
        variant = type(cls.__name__, (cls, *bases), {"__module__": cls.__module__})
        _SDK_VARIANTS[key] = variant
    return variant(*exc.args)
