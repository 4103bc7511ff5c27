"""Concept lexicons: what the detectors' concept rules look for, as data files per language.

`moderation/lexicons/<lang>/*.toml` (read with `tomllib`); each file has a `version` and a
`[concepts]` table mapping a concept name (`abuser_adult`, `harm_act`, `self`, ...) to terms.
Concept names are shared by every language: the rules in the detectors combine concepts, never
words, so adding a language is adding a folder of files that fill the same concepts (no code).
District staff can read and extend them.

A term is one or more words, written as people write them (accents are fine: terms go through the
same normaliser as messages). A word ending in `*` matches any word starting with it
(`golpe*`: golpea, golpeó, golpes); a prefix needs at least three letters. A message word matches a
term word when the word itself, or its lemma in any of the configured languages (simplemma), is
that word: `kicked` matches `kick`, `pastillas` matches `pastilla`.

Two aids per language, in a file's `[spellings]` and `[lemma_aids]` tables (`spelling.toml`):
texting spellings read as the word they stand for (`kiero` = `quiero`, `xq` = `porque`, `ai` =
`hay`), and help for the lemmatiser where texting defeats it: a verb with enclitic pronouns
(`pegarme`, `golpeándome`) is also read without them, a word written without its final accent
(`pego`, `comi`, `salio`) is also read with it, and a table of `forms` gives the lemma of verb
forms the lemmatiser misses or reads as a noun (`pienso`, `muera`, `deja`), so terms written as
the verb's infinitive cover its conjugations as people type them.

The weak grooming signals that conversation-level risk adds up (`conversation_signals.toml`:
`[families]` of signals with weights and `[terms]`, regular expressions over a folded text) are read
by the same loader, into `Lexicon.signal_tables` (one table per language), and are part of the
policy version's digest; `moderation.conversation_signals` extracts them from a message.

Everything here is pure and cached: the lexicon is read once per (folder, languages) and the
lemma of each word once per process.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import simplemma

from .normalize import Normalized, normalize

DEFAULT_DIR = Path(__file__).parent / "lexicons"
# Bumped when the meaning of the concept rules in the detectors changes.
RULES_VERSION = "rules-9"

# Words, with a contraction kept whole ("don't", "i'm") but a possessive split off ("aunt's"),
# and each emoji as a token of its own: a smirk or an eggplant carries innuendo the words do not.
_TOKEN = re.compile(r"[a-z0-9]+(?:'(?!s\b)[a-z]+)?|[\U0001F300-\U0001FAFF\u2600-\u27BF]")
# Shorter words are not lemmatised: their lemmas cross languages ("la" -> "el", "his" -> "he").
MIN_LEMMA_LENGTH = 4
_CLAUSE_END = re.compile(r"[.!?;\n]+")
# Entries kept in each of a lexicon's per-word tables before they are emptied.
_CACHE_MAX = 50000


class LexiconError(ValueError):
    """A lexicon file that cannot be read or is malformed (said at load time, never per message)."""


@dataclass(frozen=True)
class Term:
    concept: str
    parts: tuple[tuple[str, bool], ...]  # (word or prefix, is_prefix)


@dataclass(frozen=True)
class LemmaAid:
    """One language's help for the lemmatiser (`[lemma_aids]` of its files)."""

    language: str
    # Pronouns attached to the end of a verb ("pegarme"), tried off when the rest ends like a verb.
    enclitics: tuple[str, ...] = ()
    verb_endings: tuple[str, ...] = ()
    # Try the last vowel accented ("pego" -> "pegó") when that gives the lemmatiser a verb.
    final_accent: bool = False
    # Forms the lemmatiser does not know or reads as another word ("pienso" -> "pensar", not
    # the noun; "muera" -> "morir"), as (form, lemma) pairs without accents.
    forms: tuple[tuple[str, str], ...] = ()
    # After one of these pronouns a word is a verb ("me amarra", "le avienta"): its ending is
    # tried as the infinitive's (`clitic_endings`, "a" -> "ar"), also with a stem vowel
    # changed back (`stem_changes`, "ie" -> "e": "avienta" -> "aventar"), and kept when the
    # lemmatiser knows that infinitive.
    proclitics: tuple[str, ...] = ()
    clitic_endings: tuple[tuple[str, tuple[str, ...]], ...] = ()
    stem_changes: tuple[tuple[str, str], ...] = ()


_ACCENTED = {"a": "á", "e": "é", "i": "í", "o": "ó", "u": "ú"}


@dataclass(frozen=True)
class WeakSignal:
    """One conversation signal: its family, id, weight (0-1) and patterns over a folded text."""

    family: str
    id: str
    weight: float
    pattern: re.Pattern
    unless: re.Pattern | None


@dataclass(frozen=True, eq=False)
class SignalTable:
    """One language's conversation signals (the `[families]` and `[terms]` of its files)."""

    language: str
    version: int
    families: dict[str, str]  # family -> label
    signals: tuple[WeakSignal, ...]
    # Every signal's pattern in one: no match, no signal (most messages), so the signals are
    # searched one by one only in a message where one of them is. None: patterns that cannot be
    # joined without changing their meaning (numbered back-references, inline flags).
    any_signal: re.Pattern | None = None


def _any_signal(signals: Sequence[WeakSignal]) -> re.Pattern | None:
    sources = [s.pattern.pattern for s in signals]
    if not sources or any(re.search(r"\\[1-9]|\(\?[aiLmsux]+\)|\(\?P<", p) for p in sources):
        return None
    try:
        return re.compile("|".join(f"(?:{p})" for p in sources))
    except re.error:
        return None


_SIGNAL_TERM = re.compile(r"<(\w+)>")


def _compile_signal(patterns: list[str], terms: dict[str, str]) -> re.Pattern:
    def expand(pattern: str) -> str:
        return _SIGNAL_TERM.sub(lambda m: terms[m.group(1)], pattern)

    # Word boundaries by the padding spaces that `conversation_signals.fold` guarantees.
    joined = "|".join(f"(?:{expand(p)})" for p in patterns)
    return re.compile(rf"(?<=\s)(?:{joined})(?=\s)")


def _signal_table(path: Path, lang: str, data: dict) -> SignalTable:
    terms = data.get("terms", {})
    families: dict[str, str] = {}
    signals: list[WeakSignal] = []
    try:
        for family, spec in data["families"].items():
            families[family] = spec.get("label", family)
            for signal in spec["signals"]:
                weight = float(signal["weight"])
                if not 0 < weight <= 1:
                    raise LexiconError(
                        f"{path}: signal {family}.{signal['id']}: weight must be in (0, 1]"
                    )
                unless = signal.get("unless") or spec.get("unless")
                signals.append(
                    WeakSignal(
                        family=family,
                        id=signal["id"],
                        weight=weight,
                        pattern=_compile_signal(signal["patterns"], terms),
                        unless=_compile_signal(unless, terms) if unless else None,
                    )
                )
    except (KeyError, TypeError, AttributeError, re.error) as exc:
        raise LexiconError(f"{path}: malformed signal table: {exc!r}") from exc
    return SignalTable(lang, int(data["version"]), families, tuple(signals), _any_signal(signals))


@dataclass(eq=False)  # hashed by identity: one instance per (folder, languages)
class Lexicon:
    languages: tuple[str, ...]
    versions: dict[str, int]
    concepts: dict[str, list[Term]]
    # Texting spelling -> the words it may stand for (every language's, like the terms).
    spellings: dict[str, frozenset[str]] = field(default_factory=dict)
    aids: tuple[LemmaAid, ...] = ()
    # Language -> its conversation signals, where its folder has a signal table.
    signal_tables: dict[str, SignalTable] = field(default_factory=dict)
    _exact: dict[str, list[Term]] = field(default_factory=dict, repr=False)
    _prefix: dict[str, list[Term]] = field(default_factory=dict, repr=False)
    # Per message word form, the terms it may start (`Starts`); filled as forms are seen, bounded.
    _starts: dict[str, Starts] = field(default_factory=dict, repr=False)
    # Per (word as lemmatised, token), its forms before any proclitic reading; bounded.
    _forms: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict, repr=False)
    # The same lexicon without the files marked `learned_features = false` (terms the rules read
    # and the learned detector's features do not), when there are such files.
    features: Lexicon | None = field(default=None, repr=False)

    def for_features(self) -> Lexicon:
        """The lexicon whose concepts are the learned detector's features."""
        return self.features or self

    @property
    def version(self) -> str:
        """The policy version on every verdict: the rules' version, the languages, and a digest
        of every lexicon file's version and terms (an edited file shows even without a bump).
        Short enough to store on each verdict; `versions` has each file's own number."""
        digest = hashlib.sha256(
            repr(
                (
                    sorted(self.versions.items()),
                    sorted((c, t.parts) for c, ts in self.concepts.items() for t in ts),
                    sorted((k, sorted(v)) for k, v in self.spellings.items()),
                    self.aids,
                    sorted(
                        (
                            lang,
                            s.family,
                            s.id,
                            s.weight,
                            s.pattern.pattern,
                            s.unless.pattern if s.unless else "",
                        )
                        for lang, table in self.signal_tables.items()
                        for s in table.signals
                    ),
                )
            ).encode()
        ).hexdigest()[:10]
        return f"{RULES_VERSION};{','.join(self.languages)};lex-{digest}"

    def index(self) -> None:
        exact: dict[str, list[Term]] = defaultdict(list)
        prefix: dict[str, list[Term]] = defaultdict(list)
        for terms in self.concepts.values():
            for term in terms:
                word, is_prefix = term.parts[0]
                (prefix[word[:3]] if is_prefix else exact[word]).append(term)
        self._exact, self._prefix = dict(exact), dict(prefix)

    def candidates(self, form: str) -> Iterable[Term]:
        yield from self._exact.get(form, ())
        for term in self._prefix.get(form[:3], ()):
            if form.startswith(term.parts[0][0]):
                yield term

    def starts(self, form: str) -> Starts:
        """The terms `form` may start (`candidates`), sorted for matching; once per form."""
        found = self._starts.get(form)
        if found is None:
            if len(self._starts) >= _CACHE_MAX:
                self._starts.clear()
            found = self._starts[form] = Starts.of(self.candidates(form))
        return found


Rest = tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class Starts:
    """The terms one word form may start, each with its place in `Lexicon.candidates` order (the
    order hits are reported in), sorted by what the next word must be: one-word terms match at
    once; a term whose second word is exact is looked up by the next token's forms, so a common
    first word ("me", "no", "you": a hundred terms each) costs a few lookups, not a hundred."""

    # (place, key, concept)
    single: tuple[tuple[int, int, str], ...]
    # second word -> (place, key, concept, the words after the second)
    by_second: dict[str, tuple[tuple[int, int, str, Rest], ...]]
    # (place, key, concept, the second word's prefix, the words after the second)
    second_prefix: tuple[tuple[int, int, str, str, Rest], ...]

    @classmethod
    def of(cls, terms: Iterable[Term]) -> Starts:
        single: list[tuple[int, int, str]] = []
        by_second: dict[str, list[tuple[int, int, str, Rest]]] = defaultdict(list)
        second_prefix: list[tuple[int, int, str, str, Rest]] = []
        for place, term in enumerate(terms):
            if len(term.parts) == 1:
                single.append((place, id(term), term.concept))
                continue
            (word, is_prefix), rest = term.parts[1], term.parts[2:]
            if is_prefix:
                second_prefix.append((place, id(term), term.concept, word, rest))
            else:
                by_second[word].append((place, id(term), term.concept, rest))
        return cls(tuple(single), {k: tuple(v) for k, v in by_second.items()}, tuple(second_prefix))


def _term_words(raw: str) -> tuple[tuple[str, bool], ...]:
    parts = []
    for word in raw.split():
        is_prefix = word.endswith("*")
        word = word.rstrip("*")
        tokens = _TOKEN.findall(normalize(word).words.text)
        if not tokens:
            continue
        for i, tok in enumerate(tokens):
            last = i == len(tokens) - 1
            if last and is_prefix and len(tok) < 3:
                raise LexiconError(f"prefix shorter than three letters: {raw!r}")
            parts.append((tok, is_prefix and last))
    return tuple(parts)


@lru_cache(maxsize=16)
def load(
    directory: str = "", languages: tuple[str, ...] = ("en", "es"), features_only: bool = False
) -> Lexicon:
    """The lexicon of `languages` from `directory` (default: the bundled one), read once.

    A file with `learned_features = false` holds terms for the rules only: they are left out of
    the learned detector's features (`Lexicon.for_features`, and `features_only` here), so that
    families written for the rules do not move the model's readings of everything else."""
    root = Path(directory) if directory else DEFAULT_DIR
    concepts: dict[str, list[Term]] = defaultdict(list)
    versions: dict[str, int] = {}
    spellings: dict[str, set[str]] = defaultdict(set)
    aids: list[LemmaAid] = []
    tables: dict[str, SignalTable] = {}
    rules_only = False
    for lang in languages:
        folder = root / lang
        files = sorted(folder.glob("*.toml"))
        if not files:
            raise LexiconError(f"no lexicon files for language {lang!r} in {folder}")
        for path in files:
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise LexiconError(f"{path}: {exc}") from exc
            version = data.get("version")
            if not isinstance(version, int):
                raise LexiconError(f"{path}: needs an integer `version`")
            versions[f"{lang}/{path.stem}"] = version
            learned_features = data.get("learned_features", True)
            if not isinstance(learned_features, bool):
                raise LexiconError(f"{path}: `learned_features` must be true or false")
            if not learned_features:
                rules_only = True
                if features_only:
                    continue
            for name, terms in data.get("concepts", {}).items():
                if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
                    raise LexiconError(f"{path}: concept {name!r} must be a list of strings")
                for raw in terms:
                    parts = _term_words(raw)
                    if parts:
                        concepts[name].append(Term(name, parts))
            for written, meant in data.get("spellings", {}).items():
                spellings[_one_word(path, written)].add(_one_word(path, meant))
            if "lemma_aids" in data:
                aids.append(_lemma_aid(path, lang, data["lemma_aids"]))
            if "families" in data:
                if lang in tables:
                    raise LexiconError(f"{path}: a second signal table for {lang!r}")
                tables[lang] = _signal_table(path, lang, data)
    lexicon = Lexicon(
        tuple(languages),
        versions,
        dict(concepts),
        {k: frozenset(v) for k, v in spellings.items()},
        tuple(aids),
        tables,
    )
    lexicon.index()
    if rules_only and not features_only:
        lexicon.features = load(directory, languages, True)
    return lexicon


def _one_word(path: Path, raw: object) -> str:
    tokens = _TOKEN.findall(normalize(raw).words.text) if isinstance(raw, str) else []
    if len(tokens) != 1:
        raise LexiconError(f"{path}: a spelling must be one word on each side: {raw!r}")
    return tokens[0]


def _lemma_aid(path: Path, lang: str, table: object) -> LemmaAid:
    def words(key: str) -> tuple[str, ...]:
        value = table.get(key, []) if isinstance(table, dict) else None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise LexiconError(f"{path}: lemma_aids.{key} must be a list of strings")
        return tuple(
            sorted({_strip_accents(v.casefold()) for v in value}, key=lambda v: (-len(v), v))
        )

    final_accent = table.get("final_accent", False) if isinstance(table, dict) else None
    if not isinstance(final_accent, bool):
        raise LexiconError(f"{path}: lemma_aids.final_accent must be true or false")
    forms = table.get("forms", {}) if isinstance(table, dict) else None
    if not isinstance(forms, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in forms.items()
    ):
        raise LexiconError(f"{path}: lemma_aids.forms must map a word to its lemma")
    pairs = tuple(sorted((_one_word(path, k), _one_word(path, v)) for k, v in forms.items()))
    endings = table.get("clitic_endings", {}) if isinstance(table, dict) else None
    if not isinstance(endings, dict) or not all(
        isinstance(v, list) and all(isinstance(e, str) for e in v) for v in endings.values()
    ):
        raise LexiconError(f"{path}: lemma_aids.clitic_endings must map an ending to endings")
    changes = table.get("stem_changes", {}) if isinstance(table, dict) else None
    if not isinstance(changes, dict) or not all(isinstance(v, str) for v in changes.values()):
        raise LexiconError(f"{path}: lemma_aids.stem_changes must map letters to letters")
    return LemmaAid(
        lang,
        words("enclitics"),
        words("verb_endings"),
        final_accent,
        pairs,
        tuple(sorted({_strip_accents(v.casefold()) for v in _list(path, table, "proclitics")})),
        tuple(
            sorted(
                ((k, tuple(v)) for k, v in endings.items()), key=lambda kv: len(kv[0]), reverse=True
            )
        ),
        tuple(sorted(changes.items())),
    )


def _list(path: Path, table: dict, key: str) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LexiconError(f"{path}: lemma_aids.{key} must be a list of strings")
    return value


@lru_cache(maxsize=65536)
def clitic_verb_lemmas(word: str, aid: LemmaAid) -> frozenset[str]:
    """Infinitives `word` may be a form of, read as a verb after a pronoun (`LemmaAid`)."""
    out: set[str] = set()
    for ending, infinitives in aid.clitic_endings:
        stem = word[: -len(ending)]
        if not word.endswith(ending) or len(stem) < 2:
            continue
        stems = {stem} | {
            stem[::-1].replace(new[::-1], old[::-1], 1)[::-1]
            for new, old in ((a, b) for a, b in aid.stem_changes)
            if new in stem
        }
        for s in stems:
            for inf in infinitives:
                candidate = s + inf
                try:
                    if simplemma.is_known(candidate, lang=aid.language):
                        out.add(candidate)
                except (ValueError, KeyError):
                    return frozenset()
        break
    return frozenset(out)


def _strip_accents(word: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", word) if unicodedata.category(c) != "Mn"
    )


def preload(languages: Sequence[str]) -> None:
    """Load simplemma's dictionary for each language now (it loads lazily, about 0.3 s each):
    at pipeline build, not on the first message."""
    for lang in languages:
        try:
            simplemma.lemmatize("preload", lang=lang)
        except (ValueError, KeyError):
            continue


def _lemma(word: str, lang: str) -> str | None:
    try:
        return _strip_accents(simplemma.lemmatize(word, lang=lang).casefold())
    except (ValueError, KeyError):
        return None  # a language simplemma does not know: the word alone


def _aided(word: str, bare: str, aid: LemmaAid) -> set[str]:
    """Lemmas the aid finds where the lemmatiser alone does not: the verb without its
    enclitics, the word with its final vowel accented."""
    out: set[str] = set()
    for enclitic in aid.enclitics:
        stem = bare[: -len(enclitic)]
        if (
            bare.endswith(enclitic)
            and len(stem) >= MIN_LEMMA_LENGTH
            and stem.endswith(aid.verb_endings)
        ):
            found = _lemma(stem, aid.language)
            out.add(found or stem)
            break
    if aid.final_accent and word == bare and bare[-1] in _ACCENTED:
        accented = bare[:-1] + _ACCENTED[bare[-1]]
        found = _lemma(accented, aid.language)
        if found and found != bare:
            out.add(found)
    return out


@lru_cache(maxsize=65536)
def lemmas(
    word: str, languages: tuple[str, ...], aids: tuple[LemmaAid, ...] = ()
) -> frozenset[str]:
    """`word` (as written, accents kept, case-folded) and its lemma in each language, without
    accents: the forms a lexicon word may match. With `aids`, also what they find."""
    bare = _strip_accents(word)
    forms = {bare}
    # A listed form is meant whatever its length ("doy" -> "dar").
    forms.update(
        lemma for aid in aids if aid.language in languages for f, lemma in aid.forms if f == bare
    )
    if len(bare) < MIN_LEMMA_LENGTH or not bare.isalpha():
        return frozenset(forms)
    for lang in languages:
        found = _lemma(word, lang)
        if found:
            forms.add(found)
    for aid in aids:
        if aid.language in languages:
            forms |= _aided(word, bare, aid)
    return frozenset(f for f in forms if f)


@dataclass(frozen=True)
class Hit:
    concept: str
    start: int  # first token
    end: int  # one past the last token
    clause: int


@dataclass(frozen=True)
class Analysis:
    """The concepts found in one message, with the tokens they cover and their clause."""

    tokens: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]  # original-text span of each token
    clauses: tuple[int, ...]  # clause number of each token
    hits: tuple[Hit, ...]
    by_concept: dict[str, tuple[Hit, ...]]
    # The concepts present, as a set (the rules test groups of concepts against it).
    present: frozenset[str] = frozenset()

    def has(self, concept: str) -> bool:
        return concept in self.by_concept

    def in_clause(self, concept: str, clause: int) -> tuple[Hit, ...]:
        return tuple(h for h in self.by_concept.get(concept, ()) if h.clause == clause)

    def span(self, hit: Hit) -> tuple[int, int]:
        return (self.spans[hit.start][0], self.spans[hit.end - 1][1])

    def keeping(self, kept: Callable[[Hit], bool]) -> Analysis:
        """The same message with only the hits `kept` keeps (a detector's own reading of its
        concepts: an insult said of a thing, a possessive that names no one harmed, read away);
        itself when it keeps them all."""
        hits = tuple(h for h in self.hits if kept(h))
        return self if len(hits) == len(self.hits) else self.with_hits(hits)

    def with_hits(self, hits: tuple[Hit, ...]) -> Analysis:
        """The same message read as having these hits (and the concepts they make)."""
        by_concept: dict[str, list[Hit]] = defaultdict(list)
        for hit in hits:
            by_concept[hit.concept].append(hit)
        return replace(
            self,
            hits=hits,
            by_concept={k: tuple(v) for k, v in by_concept.items()},
            present=frozenset(by_concept),
        )


_CACHE: dict[tuple[str, Lexicon], Analysis] = {}
_CACHE_SIZE = 256


def analyse(text: Normalized, lexicon: Lexicon) -> Analysis:
    """The concepts of `text`, computed once per message and lexicon: every detector asks.

    Keyed by the original string (its hash is cached by Python; the normalised views are a pure
    function of it), not by the `Normalized` object, whose hash walks every view."""
    key = (text.original, lexicon)
    found = _CACHE.get(key)
    if found is None:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        found = _CACHE[key] = _analyse(text, lexicon)
    return found


def _analyse(text: Normalized, lexicon: Lexicon) -> Analysis:
    view = text.words
    view_text = view.text
    tokens: list[str] = []
    spans: list[tuple[int, int]] = []
    clauses: list[int] = []
    forms: list[frozenset[str]] = []
    clause = 0
    pos = 0
    original = text.original
    languages, aids, spellings = lexicon.languages, lexicon.aids, lexicon.spellings
    with_proclitics = [aid for aid in aids if aid.proclitics]
    known = lexicon._forms
    for m in _TOKEN.finditer(view_text):
        start, end = m.span()
        if start > pos:
            clause += len(_CLAUSE_END.findall(view_text, pos, start))
        pos = end
        tok = m.group(0)
        span = view.span(start, end)
        written = original[span[0] : span[1]].casefold()
        # Lemmatise the word as written (accents help simplemma) when it is the same word.
        source = written if written == tok or _strip_accents(written) == tok else tok
        previous = tokens[-1] if tokens else None
        tokens.append(tok)
        spans.append(span)
        clauses.append(clause)
        clitic = [a for a in with_proclitics if previous in a.proclitics] if previous else []
        token_forms = known.get((source, tok)) if not clitic else None
        if token_forms is None:
            token_forms = lemmas(source, languages, aids) | {tok}
            for aid in clitic:
                token_forms |= clitic_verb_lemmas(tok, aid)
            for meant in spellings.get(tok, ()):
                token_forms |= lemmas(meant, languages, aids)
            if not clitic:
                if len(known) >= _CACHE_MAX:
                    known.clear()
                known[(source, tok)] = token_forms
        forms.append(token_forms)
    found: dict[tuple[str, int, int], None] = {}
    count = len(forms)
    for i, token_forms in enumerate(forms):
        following = forms[i + 1] if i + 1 < count else frozenset()
        seen: set[int] = set()
        for form in token_forms:
            starts = lexicon.starts(form)
            # (place, key, concept, end): the terms that match here, put back in place order.
            matched = [(place, key, concept, i + 1) for place, key, concept in starts.single]
            if following:
                if starts.by_second:
                    for nxt in following:
                        for place, key, concept, rest in starts.by_second.get(nxt, ()):
                            end = _match_rest(rest, forms, i + 2)
                            if end is not None:
                                matched.append((place, key, concept, end))
                for place, key, concept, word, rest in starts.second_prefix:
                    if any(f.startswith(word) for f in following):
                        end = _match_rest(rest, forms, i + 2)
                        if end is not None:
                            matched.append((place, key, concept, end))
                matched.sort()
            for _, key, concept, end in matched:
                if key not in seen:
                    seen.add(key)
                    found.setdefault((concept, i, end))
    # In the order first found, one per (concept, first token, end).
    hits = [Hit(concept, first, last, clauses[first]) for concept, first, last in found]
    by_concept: dict[str, list[Hit]] = defaultdict(list)
    for hit in hits:
        by_concept[hit.concept].append(hit)
    return Analysis(
        tuple(tokens),
        tuple(spans),
        tuple(clauses),
        tuple(hits),
        {k: tuple(v) for k, v in by_concept.items()},
        frozenset(by_concept),
    )


def _match_rest(rest: Rest, forms: Sequence[frozenset[str]], j: int) -> int | None:
    """One past the last token when the words `rest` match from token `j` on, else None."""
    for word, is_prefix in rest:
        if j >= len(forms):
            return None
        if is_prefix:
            if not any(f.startswith(word) for f in forms[j]):
                return None
        elif word not in forms[j]:
            return None
        j += 1
    return j
