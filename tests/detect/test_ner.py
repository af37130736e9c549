"""The optional NER hook: merged with rule findings, never required."""

from __future__ import annotations

from aisafe_nb.detect import Detector
from aisafe_nb.detect.engine import _builtin_rules
from aisafe_nb.detect.ner import spacy_names


class ListRecognizer:
    """A recognizer over a fixed list of names (a real implementation of the protocol)."""

    def __init__(self, names: list[str]) -> None:
        self.names = names

    def find_person_names(self, text: str) -> list[tuple[int, int, float]]:
        out = []
        for name in self.names:
            i = text.find(name)
            if i >= 0:
                out.append((i, i + len(name), 0.7))
        return out


def test_ner_spans_become_person_findings() -> None:
    text = "Notes: Aiko Tanaka joined the analytics team."
    assert Detector(_builtin_rules()).scan(text) == []  # not in the census lists
    det = Detector(_builtin_rules(), ner=ListRecognizer(["Aiko Tanaka"]))
    [f] = det.scan(text)
    assert (f.type, f.kind, f.rule_id) == ("person-name", "pii", "ner")
    assert text[f.start : f.end] == "Aiko Tanaka"


def test_ner_ignored_when_names_disabled_or_secrets_only() -> None:
    ner = ListRecognizer(["Aiko Tanaka"])
    text = "Aiko Tanaka"
    assert Detector(_builtin_rules(), ner=ner, kinds=("secret",)).scan(text) == []
    assert Detector(_builtin_rules(), ner=ner, disabled_types=["person-name"]).scan(text) == []


def test_spacy_adapter_is_optional() -> None:
    # No English model is installed in the test environment: the adapter says so with None.
    assert spacy_names("no_such_model_xyz") is None
