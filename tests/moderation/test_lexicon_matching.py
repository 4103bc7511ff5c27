"""The concept matcher's index (moderation.lexicon: `Starts`, per-word caches) finds exactly what
a plain term-by-term reading finds, in the same order: the order decides which span a reason
quotes, so an index that reordered hits would change verdicts' reasons."""

import json
from pathlib import Path

from django.conf import settings

from moderation import lexicon
from moderation.normalize import normalize

HERE = Path(__file__).parent


def _texts() -> list[str]:
    files = [HERE / "cases.jsonl", *sorted((HERE / "rounds").glob("*.jsonl"))]
    for shared in (Path(settings.BASE_DIR).parent, Path(settings.BASE_DIR).parent.parent):
        files += sorted((shared / "shared" / "corpus").glob("*.jsonl"))
    return [json.loads(line)["text"] for f in files for line in f.read_text().splitlines() if line]


def _plain_hits(text: str, lex: lexicon.Lexicon) -> list[tuple[str, int, int, int]]:
    """Every term tried at every token, in `Lexicon.candidates` order, first hit kept."""
    a = lexicon._analyse(normalize(text), lex)  # tokens and clauses; hits recomputed below
    forms = []
    for i, tok in enumerate(a.tokens):
        written = text[a.spans[i][0] : a.spans[i][1]].casefold()
        source = written if lexicon._strip_accents(written) == tok else tok
        token_forms = lexicon.lemmas(source, lex.languages, lex.aids) | {tok}
        for aid in lex.aids:
            if i and a.tokens[i - 1] in aid.proclitics:
                token_forms |= lexicon.clitic_verb_lemmas(tok, aid)
        for meant in lex.spellings.get(tok, ()):
            token_forms |= lexicon.lemmas(meant, lex.languages, lex.aids)
        forms.append(token_forms)
    found: dict[tuple[str, int, int], None] = {}
    for i, token_forms in enumerate(forms):
        for form in token_forms:
            for term in lex.candidates(form):
                end = lexicon._match_rest(term.parts[1:], forms, i + 1)
                if end is not None:
                    found.setdefault((term.concept, i, end))
    return [(c, s, e, a.clauses[s]) for c, s, e in found]


def test_the_indexed_matcher_finds_what_a_plain_reading_finds_in_the_same_order():
    lex = lexicon.load("", ("en", "es"))
    texts = _texts()
    assert len(texts) > 1500
    for text in texts:
        a = lexicon._analyse(normalize(text), lex)
        assert [(h.concept, h.start, h.end, h.clause) for h in a.hits] == _plain_hits(text, lex)
        assert a.present == frozenset(a.by_concept)


def test_a_common_first_word_is_indexed_by_its_second_word():
    lex = lexicon.load("", ("en", "es"))
    starts = lex.starts("me")
    # "me" starts many terms; the next word picks the few to try.
    assert len(starts.single) + sum(map(len, starts.by_second.values())) > 50
    assert all(len(entries) < 20 for entries in starts.by_second.values())
    assert lex.starts("me") is starts


def test_signal_patterns_that_cannot_be_joined_are_searched_one_by_one():
    import re

    from moderation.lexicon import WeakSignal, _any_signal

    def signal(pattern: str) -> WeakSignal:
        return WeakSignal("f", pattern, 0.5, re.compile(pattern), None)

    joined = _any_signal([signal("a b"), signal("c(?=d)")])
    assert joined is not None
    assert joined.search("xx c d") is None
    assert joined.search("xx cd") is not None
    assert joined.search("a b") is not None
    assert _any_signal([signal(r"(a)\1")]) is None
    assert _any_signal([signal("(?i)a")]) is None
    assert _any_signal([]) is None
