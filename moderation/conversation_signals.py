"""Weak grooming signals in one message, read from a small per-language lexicon.

Each lexicon (`moderation/lexicons/<lang>/conversation_signals.toml`) lists signal families
(supervision, monitoring, special bond, age, appearance, gifts and money, moving elsewhere,
secrecy), each with signals made of regular expressions over a folded form of the text. None of
these signals flags a message; moderation/conversation_risk.py adds them up over a conversation.

The loader is deliberately tiny and private to this module (one cached read per process) so that
it can later be folded into the general lexicon loader without touching the scoring.

Pure: no database, no settings; `extract` never raises for any text.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LEXICON_DIR = Path(__file__).resolve().parent / "lexicons"
LEXICON_FILE = "conversation_signals.toml"
LANGUAGES = ("en", "es")

_TERM = re.compile(r"<(\w+)>")
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


@dataclass(frozen=True)
class _Signal:
    family: str
    id: str
    weight: float
    pattern: re.Pattern
    unless: re.Pattern | None


@dataclass(frozen=True)
class Lexicon:
    language: str
    version: int
    families: dict[str, str]  # family -> label
    signals: tuple[_Signal, ...]


def fold(text: str) -> str:
    """Lower case, accents removed, apostrophes dropped, anything else but letters and digits
    turned into single spaces, padded with one space on each side."""
    decomposed = unicodedata.normalize("NFKD", text)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    letters = letters.replace("'", "").replace("\u2019", "").replace("\u02bc", "")
    return " " + _NOT_WORD.sub(" ", letters).strip() + " "


def _compile(patterns: list[str], terms: dict[str, str]) -> re.Pattern:
    def expand(pattern: str) -> str:
        return _TERM.sub(lambda m: terms[m.group(1)], pattern)

    # Word boundaries by the padding spaces that `fold` guarantees.
    joined = "|".join(f"(?:{expand(p)})" for p in patterns)
    return re.compile(rf"(?<=\s)(?:{joined})(?=\s)")


def _parse(data: dict) -> Lexicon:
    terms = data.get("terms", {})
    families: dict[str, str] = {}
    signals: list[_Signal] = []
    for family, spec in data["families"].items():
        families[family] = spec.get("label", family)
        for signal in spec["signals"]:
            weight = float(signal["weight"])
            if not 0 < weight <= 1:
                raise ValueError(f"signal {family}.{signal['id']}: weight must be in (0, 1]")
            unless = signal.get("unless") or spec.get("unless")
            signals.append(
                _Signal(
                    family=family,
                    id=signal["id"],
                    weight=weight,
                    pattern=_compile(signal["patterns"], terms),
                    unless=_compile(unless, terms) if unless else None,
                )
            )
    return Lexicon(
        language=data["language"],
        version=int(data["version"]),
        families=families,
        signals=tuple(signals),
    )


@cache
def lexicon(language: str) -> Lexicon:
    """The language's lexicon, read and compiled once per process."""
    path = LEXICON_DIR / language / LEXICON_FILE
    with path.open("rb") as handle:
        return _parse(tomllib.load(handle))


def family_labels() -> dict[str, str]:
    """Family -> English label (the console's vocabulary)."""
    return dict(lexicon("en").families)


def extract(text: str, languages: tuple[str, ...] = LANGUAGES) -> list[SignalHit]:
    """Every distinct signal in `text`, in lexicon order.

    All languages run on every message (a Spanglish message can carry signals of both); a signal
    found in two languages counts once, under the first.
    """
    folded = fold(text)
    hits: list[SignalHit] = []
    seen: set[tuple[str, str]] = set()
    for language in languages:
        for signal in lexicon(language).signals:
            key = (signal.family, signal.id)
            if key in seen or not signal.pattern.search(folded):
                continue
            if signal.unless is not None and signal.unless.search(folded):
                continue
            seen.add(key)
            hits.append(SignalHit(signal.family, signal.id, signal.weight, language))
    return hits
