"""Which language a message is in: lingua, restricted to the languages the districts use.

One detector per process and language set, built with its models loaded (the pipeline builds it
at start); results are cached per text. Pure: no settings read here.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from lingua import IsoCode639_1, LanguageDetectorBuilder

logger = logging.getLogger(__name__)

DEFAULT_LANGUAGES = ("en", "es")
# Below this many letters lang-id is a guess: the verdict says "" rather than guess.
MIN_LETTERS_FOR_LANGUAGE = 8
# The start of a message is enough to tell its language, and keeps lang-id fast on long ones.
LANGUAGE_SAMPLE_CHARS = 400


@lru_cache(maxsize=4)
def language_detector(languages: tuple[str, ...]):
    """One lingua detector per process and language set (models preloaded: the first message
    must not pay for loading them)."""
    codes = []
    for code in languages:
        try:
            codes.append(getattr(IsoCode639_1, code.upper()))
        except AttributeError:
            logger.warning("lingua does not know language %s; left out of language detection", code)
    if len(codes) < 2:
        return None
    return (
        LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
        .with_preloaded_language_models()
        .build()
    )


@lru_cache(maxsize=4096)
def detect_language(text: str, languages: tuple[str, ...]) -> str:
    """The ISO 639-1 code of the language `text` is mostly in, among `languages`; "" when the
    text is too short or no language is likely. One configured language: always that one."""
    if len(languages) == 1:
        return languages[0]
    if sum(c.isalpha() for c in text) < MIN_LETTERS_FOR_LANGUAGE:
        return ""
    detector = language_detector(languages)
    if detector is None:
        return ""
    found = detector.detect_language_of(text[:LANGUAGE_SAMPLE_CHARS])
    return found.iso_code_639_1.name.lower() if found is not None else ""
