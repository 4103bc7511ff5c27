"""Weak grooming signals in one message.

The signals are data in each language's lexicon folder (`moderation/lexicons/<lang>/
conversation_signals.toml`), read by the one lexicon loader (`moderation.lexicon.load`, with the
concept files, in the policy version's digest): signal families (supervision, monitoring, special
bond, age, appearance, gifts and money, moving elsewhere, secrecy), each with signals made of
regular expressions over a folded form of the text. None of these signals flags a message;
moderation/conversation_risk.py adds them up over a conversation.

The pipeline finds them once per message (`extract_with`, with its own lexicon) and puts them on
the verdict (`Verdict.weak_signals`); the stored verdict is what the conversation's window reads
(moderation.services), so a message's text is never analysed twice.

Pure: no database, no settings; `extract` never raises for any text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from . import lexicon as lexicons
from .lexicon import SignalTable

LANGUAGES = ("en", "es")

_NOT_WORD = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class SignalHit:
    """One signal found in a message: its family, its id, its base weight and the language."""

    family: str
    signal: str
    weight: float
    language: str

    def as_dict(self) -> dict:
        return {
            "family": self.family,
            "signal": self.signal,
            "weight": self.weight,
            "language": self.language,
        }


def fold(text: str) -> str:
    """Lower case, accents removed, apostrophes dropped, anything else but letters and digits
    turned into single spaces, padded with one space on each side."""
    decomposed = unicodedata.normalize("NFKD", text)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    letters = letters.replace("'", "").replace("\u2019", "").replace("\u02bc", "")
    return " " + _NOT_WORD.sub(" ", letters).strip() + " "


def lexicon(language: str) -> SignalTable:
    """The language's signal table, from the lexicon loaded once per process."""
    return lexicons.load("", LANGUAGES).signal_tables[language]


def family_labels() -> dict[str, str]:
    """Family -> English label (the console's vocabulary)."""
    return dict(lexicon("en").families)


def extract(text: str, languages: tuple[str, ...] = LANGUAGES) -> list[SignalHit]:
    """Every distinct signal in `text`, in lexicon order, with the bundled lexicon's tables.

    All languages run on every message (a Spanglish message can carry signals of both); a signal
    found in two languages counts once, under the first.
    """
    return extract_with(text, [lexicon(language) for language in languages])


def extract_with(text: str, tables: Iterable[SignalTable]) -> list[SignalHit]:
    """`extract` with the given languages' tables, in order (the pipeline passes its lexicon's:
    the one place the messages' signals are found, moderation.pipeline)."""
    folded = fold(text)
    hits: list[SignalHit] = []
    seen: set[tuple[str, str]] = set()
    for table in tables:
        language = table.language
        if table.any_signal is not None and not table.any_signal.search(folded):
            continue
        for signal in table.signals:
            key = (signal.family, signal.id)
            if key in seen or not signal.pattern.search(folded):
                continue
            if signal.unless is not None and signal.unless.search(folded):
                continue
            seen.add(key)
            hits.append(SignalHit(signal.family, signal.id, signal.weight, language))
    return hits
