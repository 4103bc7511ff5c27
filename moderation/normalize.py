"""Text normalisation in front of every detector.

People who want to slip past a filter write `t e x t  m e`, `sn@pch4t`, `two oh nine`, fullwidth
or Cyrillic look-alike letters, or hide zero-width characters inside words. Detectors should not
each undo that, so `normalize` builds a few views of the message once:

- `clean`: NFKC, combining marks, zero-width and control characters removed, look-alike letters
  mapped to Latin, whitespace collapsed. Case is kept (models read this one).
- `folded`: `clean`, case-folded. Links, e-mail addresses and most phrase patterns read this.
- `words`: `folded` with leetspeak undone inside words that mix letters with digits or symbols,
  letters spaced out (`n u d e s`) joined, and runs of three or more equal letters squeezed.
- `digits`: `folded` with number words turned into digits (`two oh nine` -> `2 0 9`) and letters
  that stand for digits inside digit runs (`2O9`) replaced.
- `compact`: the letters of `words` alone, for a few unambiguous terms written with any spacing.

Every view keeps, for each of its characters, the index of the original character it came from,
so a finding's span points into the message as the sender wrote it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise

# Look-alike letters from Cyrillic, Greek, small capitals and a few symbols that NFKC leaves
# alone (written as escapes so that the source itself shows no look-alikes).
_HOMOGLYPH_FROM = (
    "\u0430\u0432\u0435\u0451\u043a\u043c\u043d\u043e\u0440\u0441\u0442\u0443"
    "\u0445\u0455\u0456\u0457\u0458\u0501\u0261\u051b\u051d\u0251\u03bf\u03b1"
    "\u03b5\u03b9\u03ba\u03bd\u03c4\u03c5\u03c1\u03c7\u03b2\u03b7\u03bc\u0461"
    "\u028f\u026a\u1d00\u1d04\u1d05\u1d07\u029c\u1d0b\u029f\u1d0d\u0274\u1d0f"
    "\u1d18\u0280\ua731\u1d1b\u1d1c\u1d20\u1d21\u1d22\u2113\u2202\u00f8\u0131"
    "\u0142\u0111\u0127"
)
_HOMOGLYPH_TO = "abeekmhopctyxsiijdgqwaoaeikvtupxbnuwyiacdehklmnoprstuvwzldoildh"
HOMOGLYPHS = dict(zip(_HOMOGLYPH_FROM, _HOMOGLYPH_TO, strict=True))
HOMOGLYPHS.update({"\u00df": "ss", "\u00e6": "ae", "\u0153": "oe"})

# Characters standing for letters inside words ("k1ll", "$ex", "sh!t").
LEET = {
    "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g",
    "@": "a", "$": "s", "!": "i", "|": "l", "+": "t", "€": "e", "£": "l",
}  # fmt: skip

UNITS = {
    "zero": "0", "oh": "0", "o": "0", "one": "1", "won": "1", "two": "2", "to": "2", "too": "2",
    "three": "3", "four": "4", "for": "4", "fore": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "ate": "8", "nine": "9", "niner": "9",
}  # fmt: skip
TEENS = {
    "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14",
    "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19",
}  # fmt: skip
TENS = {
    "twenty": "2", "thirty": "3", "forty": "4", "fifty": "5", "sixty": "6", "seventy": "7",
    "eighty": "8", "ninety": "9",
}  # fmt: skip
# Spanish number words (accents are gone by now: "dieciséis" is "dieciseis").
UNITS.update({
    "cero": "0", "uno": "1", "dos": "2", "tres": "3", "cuatro": "4", "cinco": "5", "seis": "6",
    "siete": "7", "ocho": "8", "nueve": "9",
})  # fmt: skip
TEENS.update({
    "diez": "10", "once": "11", "doce": "12", "trece": "13", "catorce": "14", "quince": "15",
    "dieciseis": "16", "diecisiete": "17", "dieciocho": "18", "diecinueve": "19",
})  # fmt: skip
TENS.update({
    "veinte": "2", "treinta": "3", "cuarenta": "4", "cincuenta": "5", "sesenta": "6",
    "setenta": "7", "ochenta": "8", "noventa": "9",
})  # fmt: skip
# Homophones of digits ("to", "for", "ate", "won", "o") count only next to other digits; so do
# Spanish words that are also ordinary words ("uno" one/someone, "once" eleven/once, "seis").
WEAK_UNITS = {"o", "oh", "to", "too", "for", "fore", "ate", "won", "uno", "once"}
# "cincuenta y cinco": the "y" joins a ten and a unit into one number.
_TENS_AND_UNIT = re.compile(
    r"\b(veinte|treinta|cuarenta|cincuenta|sesenta|setenta|ochenta|noventa) y "
    r"(uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve)\b"
)


@dataclass(frozen=True)
class View:
    """One normalised form of the message and, per character, its index in the original."""

    text: str
    origin: tuple[int, ...]

    @cached_property
    def spread(self) -> bool:
        """Whether two neighbouring characters came from original characters further apart
        than neighbours (letters spaced out or with something invisible between them)."""
        return any(b - a > 1 for a, b in pairwise(self.origin))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original-text span [start, end) that view characters [start, end) came from."""
        if not self.origin or end <= start:
            return (0, 0)
        start = min(max(start, 0), len(self.origin) - 1)
        end = min(max(end, start + 1), len(self.origin))
        return (self.origin[start], self.origin[end - 1] + 1)


@dataclass(frozen=True)
class Normalized:
    original: str
    clean: View
    folded: View
    words: View
    digits: View
    compact: View


# A view under construction: its text and, per character, the index of the original character.
Chars = tuple[str, list[int]]


def _view(chars: Chars) -> View:
    return View(chars[0], tuple(chars[1]))


def _sub(chars: Chars, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str]) -> Chars:
    """Regex substitution that keeps the origin map: a replacement of the same length maps one
    to one, any other replacement maps each new character to the start of what it replaced."""
    text, origin = chars
    pieces: list[str] = []
    out: list[int] = []
    pos = 0
    for m in pattern.finditer(text):
        start, end = m.span()
        new = repl(m)
        if new == m.group(0):
            continue  # unchanged: its characters keep their origins where they are
        pieces.append(text[pos:start])
        out.extend(origin[pos:start])
        old = origin[start:end]
        aligned = _align(new, text[start:end], old)
        if aligned is not None:
            out.extend(aligned)
        else:
            anchor = old[0] if old else (origin[start - 1] if start else 0)
            out.extend([anchor] * len(new))
        pieces.append(new)
        pos = end
    if not pieces:
        return chars
    pieces.append(text[pos:])
    out.extend(origin[pos:])
    return "".join(pieces), out


def _align(new: str, old_text: str, old: list[int]) -> list[int] | None:
    """Map `new` onto the old characters one by one when it is the same length, or when it is
    the old text with characters left out ("s e n d" -> "send"); None otherwise."""
    if len(new) == len(old):
        return list(old)
    out: list[int] = []
    j = 0
    for ch in new:
        while j < len(old) and old_text[j] != ch:
            j += 1
        if j == len(old):
            return None
        out.append(old[j])
        j += 1
    return out


# Symbols for a number that NFKC leaves alone. The keycap digits (0️⃣ to 9️⃣: a digit, a variation
# selector and the combining keycap) already come out as their digit, the marks being removed.
NUMBER_SYMBOLS = {"\U0001f51f": "10"}  # the keycap ten


def _clean_char(ch: str) -> str:
    """What one original character becomes in `clean` (often itself, sometimes nothing)."""
    if ch in NUMBER_SYMBOLS:
        return NUMBER_SYMBOLS[ch]
    cat = unicodedata.category(ch)
    if cat in ("Cf", "Cs", "Co", "Cn") or (cat == "Cc" and ch not in "\t\n\r"):
        return ""  # zero-width joiners, direction overrides, NUL, lone surrogates
    out = []
    for part in unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", ch)):
        if unicodedata.category(part) in ("Mn", "Me"):
            continue  # combining marks: accents and stacked "zalgo" marks
        mapped = HOMOGLYPHS.get(part) or HOMOGLYPHS.get(part.lower())
        if mapped and part.isupper():
            mapped = mapped.upper()
        out.extend(" " if m.isspace() else m for m in mapped or part)
    return "".join(out)


# Each character's `clean` form, computed once per process (a pure function of the character).
_CLEAN_CHARS: dict[str, str] = {}
_CLEAN_CHARS_MAX = 20000
# Printable ASCII is its own `clean` form: no look-alike, mark or control among it.
_NOT_PLAIN = re.compile(r"[^\x20-\x7e]")
_SPACES = re.compile(r" {2,}")


def _clean(text: str) -> Chars:
    if _NOT_PLAIN.search(text) is None:
        chars: Chars = (text, list(range(len(text))))
    else:
        pieces: list[str] = []
        origin: list[int] = []
        table = _CLEAN_CHARS
        for i, ch in enumerate(text):
            mapped = table.get(ch)
            if mapped is None:
                mapped = _clean_char(ch)
                if len(table) < _CLEAN_CHARS_MAX:
                    table[ch] = mapped
            if len(mapped) == 1:
                pieces.append(mapped)
                origin.append(i)
            elif mapped:
                pieces.append(mapped)
                origin.extend([i] * len(mapped))
        chars = ("".join(pieces), origin)
    return _sub(chars, _SPACES, lambda m: " ")


def _fold(chars: Chars) -> Chars:
    text, origin = chars
    if text.isascii():
        return text.lower(), origin  # casefold is lower() on ASCII, one character for one
    pieces: list[str] = []
    out: list[int] = []
    for ch, i in zip(text, origin, strict=True):
        folded = ch.casefold()
        pieces.append(folded)
        out.extend([i] * len(folded))
    return "".join(pieces), out


_TOKEN = re.compile(r"[^\s]+")
_LEET_CHARS = re.escape("".join(LEET))
_WORDISH = re.compile(rf"(?<![\w{_LEET_CHARS}])[\w{_LEET_CHARS}]+(?![\w{_LEET_CHARS}])")


def _deleet(m: re.Match[str]) -> str:
    token = m.group(0)
    letters = sum(c.isalpha() for c in token)
    # Only words that are mostly letters: "92", "$350", "3:30" and "#4421" stay as they are.
    if letters == 0 or letters < len(token) / 2 or token.isalpha():
        return token
    # Ordinals and unit numbers ("3rd", "10th", "5b") are numbers, not disguised words.
    if re.fullmatch(r"\d+[a-z]{1,2}", token):
        return token
    return "".join(LEET.get(c, c) for c in token)


# Single letters separated by one space, dot, dash or underscore: "s e n d", "s.n.a.p".
_SPACED = re.compile(r"(?<![a-z])(?:[a-z][ ._\-*]){2,}[a-z](?![a-z])")
_REPEAT = re.compile(r"([a-z])\1{2,}")


def _join_spaced(m: re.Match[str]) -> str:
    run = m.group(0)
    letters = re.sub(r"[ ._\-*]", "", run)
    # "a d u m b" is the article "a" before a spaced word; so is "i" before one.
    if run[0] in "ai" and run[1] == " " and len(letters) >= 4:
        return run[:2] + letters[1:]
    return letters


# Text-speak that is unambiguous as a whole word, spelled out so that one pattern covers both.
TEXT_SPEAK = {
    "u": "you", "r": "are", "ya": "you", "im": "i'm", "ive": "i've", "ill": "i'll", "w": "with",
    "dont": "don't", "cant": "can't", "wont": "won't", "didnt": "didn't", "doesnt": "doesn't",
    "isnt": "isn't", "hasnt": "hasn't", "havent": "haven't", "wasnt": "wasn't", "arent": "aren't",
    "wouldnt": "wouldn't", "shouldnt": "shouldn't", "couldnt": "couldn't", "whats": "what's",
    "wats": "what's", "wuts": "what's", "wut": "what", "thats": "that's", "theres": "there's",
    "hes": "he's", "shes": "she's", "lets": "let's", "youre": "you're", "rn": "right now",
    "pls": "please", "plz": "please", "bc": "because", "cuz": "because", "abt": "about",
    "ppl": "people", "lmk": "let me know", "tmrw": "tomorrow", "2nite": "tonight",
    "tonite": "tonight", "b4": "before",
    "ily": "i love you", "ilysm": "i love you so much", "bday": "birthday", "pic": "pic",
    "urself": "yourself", "yourslf": "yourself", "mysef": "myself", "myslf": "myself",
    "imma": "i'm gonna", "ima": "i'm gonna", "finna": "going to", "tryna": "trying to",
}  # fmt: skip
_TEXT_SPEAK = re.compile(
    r"(?<![\w'])(" + "|".join(sorted(TEXT_SPEAK, key=len, reverse=True)) + r")(?![\w'])"
)


def _words(chars: Chars) -> Chars:
    chars = _sub(chars, _WORDISH, _deleet)
    chars = _sub(chars, _SPACED, _join_spaced)
    chars = _sub(chars, _REPEAT, lambda m: m.group(1))
    return _sub(chars, _TEXT_SPEAK, lambda m: TEXT_SPEAK[m.group(1)])


_NUMBER_WORD = re.compile(
    r"\b(" + "|".join(sorted([*UNITS, *TEENS, *TENS, "double", "triple"], key=len, reverse=True))
    + r")\b"
)  # fmt: skip


def _digits(chars: Chars) -> Chars:
    chars = _sub(chars, _TENS_AND_UNIT, lambda m: f"{m.group(1)} {m.group(2)}")
    text, origin = chars
    tokens = list(_NUMBER_WORD.finditer(text))
    replacements: dict[int, tuple[int, str]] = {}
    for k, m in enumerate(tokens):
        word = m.group(1)

        def neighbour(offset: int, k: int = k) -> bool:
            j = k + offset
            if j < 0 or j >= len(tokens):
                # A digit written as a digit next to the word counts as a neighbour too.
                side = text[: tokens[k].start()] if offset < 0 else text[tokens[k].end() :]
                side = side.rstrip(" -.,") if offset < 0 else side.lstrip(" -.,")
                # Only a lone digit: "to 741741" is a preposition before a number.
                run = re.match(r"\d+", side[::-1] if offset < 0 else side)
                return run is not None and len(run.group(0)) == 1
            gap = (
                text[tokens[j].end() : tokens[k].start()]
                if offset < 0
                else text[tokens[k].end() : tokens[j].start()]
            )
            return len(gap) <= 3 and not gap.strip(" -.,")

        if word in ("double", "triple"):
            continue
        if word in WEAK_UNITS and not (neighbour(-1) or neighbour(1)):
            continue
        if word in UNITS:
            digit = UNITS[word]
        elif word in TEENS:
            digit = TEENS[word]
        else:
            nxt = tokens[k + 1].group(1) if k + 1 < len(tokens) else ""
            digit = TENS[word] + ("" if nxt in UNITS and nxt not in WEAK_UNITS else "0")
        prev = tokens[k - 1].group(1) if k else ""
        if prev in ("double", "triple") and neighbour(-1):
            digit = digit * (2 if prev == "double" else 3)
            replacements[tokens[k - 1].start()] = (m.start(), "")
        replacements[m.start()] = (m.end(), digit)

    if replacements:
        pieces: list[str] = []
        out: list[int] = []
        pos = 0
        for start in sorted(replacements):
            end, digit = replacements[start]
            pieces.append(text[pos:start])
            out.extend(origin[pos:start])
            pieces.append(digit)
            out.extend([origin[start]] * len(digit))
            pos = end
        pieces.append(text[pos:])
        out.extend(origin[pos:])
        chars = ("".join(pieces), out)
    # Letters that stand for digits inside a run of digits: "2O9", "555-Ol87".
    chars = _sub(chars, _DIGIT_RUN, lambda m: m.group(0).translate(_DIGIT_LOOKALIKES))
    # Groups of digits read out one after another ("718 then 290 then 3356"): one run.
    return _sub(chars, _DIGIT_GROUP_JOINER, lambda m: " ")


_DIGIT_RUN = re.compile(r"(?<![a-z])[0-9oil]*\d[0-9oil]*(?![a-z])")
# Words that join groups of two or more digits read out in turn, in every configured language
# ("then", "and then", "next"; "luego", "y luego", "después"; accents are gone by now).
DIGIT_GROUP_JOINERS = (
    "and then", "then", "next", "after that", "followed by", "y luego", "luego", "y despues",
    "despues",
)  # fmt: skip
_DIGIT_GROUP_JOINER = re.compile(
    r"(?<=\d\d)\s*,?\s+(?:" + "|".join(DIGIT_GROUP_JOINERS) + r")\s*,?\s+(?=\d\d)"
)
_DIGIT_LOOKALIKES = str.maketrans({"o": "0", "i": "1", "l": "1"})


def normalize(text: str) -> Normalized:
    """Build every view of `text`. Never raises for any string."""
    clean = _clean(text)
    folded = _fold(clean)
    words = _words(folded)
    digits = _digits(folded)
    kept = [(c, i) for c, i in zip(words[0], words[1], strict=True) if c.isalpha()]
    compact: Chars = ("".join(c for c, _ in kept), [i for _, i in kept])
    return Normalized(
        original=text,
        clean=_view(clean),
        folded=_view(folded),
        words=_view(words),
        digits=_view(digits),
        compact=_view(compact),
    )
