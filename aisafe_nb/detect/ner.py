"""Optional person-name recognition by an NER engine the user already has installed.

The built-in name rules (context plus census lists) need no model and no network. Users
who already have spaCy with an English model can add it for more recall on names that no
context marks; nothing here is imported unless asked for, and nothing is required.
"""

from __future__ import annotations

from typing import Any, Protocol


class NameRecognizer(Protocol):
    """Anything that returns ``(start, end, score)`` spans of person names in a text."""

    def find_person_names(self, text: str) -> list[tuple[int, int, float]]:
        """Spans of person names in `text`."""
        ...


class SpacyNames:
    """Person names from a loaded spaCy pipeline (entities labelled ``PERSON``/``PER``)."""

    def __init__(self, nlp: Any, score: float = 0.7) -> None:
        self._nlp = nlp
        self._score = score

    def find_person_names(self, text: str) -> list[tuple[int, int, float]]:
        """Run the pipeline and keep person entities."""
        doc = self._nlp(text)
        return [
            (ent.start_char, ent.end_char, self._score)
            for ent in doc.ents
            if ent.label_ in ("PERSON", "PER")
        ]


def spacy_names(model: str = "en_core_web_sm") -> SpacyNames | None:
    """A spaCy-backed recognizer, or None when spaCy or the model is not installed."""
    try:
        import spacy
    except ImportError:
        return None
    try:
        nlp = spacy.load(model, disable=["parser", "lemmatizer", "tagger"])
    except OSError:  # model not installed
        return None
    return SpacyNames(nlp)
