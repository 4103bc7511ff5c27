"""The weak-signal lexicon and its extractor, on phrasings written apart from the lexicon
(testkit/conversation_signal_phrasings.py) and on whole benign conversations."""

import shutil

import pytest

from moderation.conversation_signals import LANGUAGES, extract, fold, lexicon
from moderation.lexicon import DEFAULT_DIR, LexiconError, load
from testkit.benign_conversations import CONVERSATIONS
from testkit.conversation_signal_phrasings import BENIGN, SIGNALS, UNSEEN, UNSEEN_BENIGN

CASES = [(lang, family, text) for lang, fams in SIGNALS.items() for family, texts in fams.items()
         for text in texts]  # fmt: skip


@pytest.mark.parametrize(("lang", "family", "text"), CASES)
def test_each_phrasing_shows_its_family(lang, family, text):
    hits = extract(text)
    assert family in {h.family for h in hits}
    assert {h.language for h in hits if h.family == family} == {lang}


@pytest.mark.parametrize("text", [t for texts in BENIGN.values() for t in texts])
def test_everyday_mentoring_sentences_show_nothing(text):
    assert extract(text) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_most_phrasings_written_after_the_lexicon_are_found_and_no_benign_one(lang):
    found = [family in {h.family for h in extract(text)} for family, text in UNSEEN[lang]]
    assert sum(found) / len(found) >= 0.85
    assert [t for t in UNSEEN_BENIGN[lang] if extract(t)] == []


def test_both_lexicons_have_a_version_and_the_same_families():
    english, spanish = lexicon("en"), lexicon("es")
    assert english.version == spanish.version == 1
    assert set(english.families) == set(spanish.families) == {
        "supervision", "monitoring", "special_bond", "age", "appearance", "gifts_money",
        "elsewhere", "secrecy",
    }  # fmt: skip


def test_fold_drops_accents_apostrophes_and_punctuation():
    assert fold("¿A qué hora llegan tus PAPÁS?") == " a que hora llegan tus papas "
    assert fold("You\u2019re so mature!!") == " youre so mature "


def test_a_signal_in_a_spanglish_message_is_found():
    assert {
        h.family for h in extract("ok pero mejor háblame por whatsapp, don't tell your mom")
    } == {
        "elsewhere",
        "secrecy",
    }


def test_a_signal_counts_once_per_message():
    hits = extract("you're so mature, so mature for your age, really mature")
    assert [(h.family, h.signal) for h in hits] == [("special_bond", "so_mature")]


def test_the_benign_conversations_carry_at_most_a_few_isolated_weak_signals():
    per_conversation = [
        [h.family for _, text in conversation for h in extract(text)]
        for _, conversation in CONVERSATIONS
    ]
    assert len(CONVERSATIONS) == 10
    assert all(20 <= len(c) <= 40 for _, c in CONVERSATIONS)
    assert {lang for lang, _ in CONVERSATIONS} == {"en", "es"}
    # Realistic near-misses ("how old are you turning?", "my treat") occur, but never more than
    # two families in one conversation.
    assert max(len(set(families)) for families in per_conversation) <= 2
    assert sum(len(f) for f in per_conversation) == 7


def test_the_signals_are_read_by_the_one_lexicon_loader_with_the_concepts():
    loaded = load("", LANGUAGES)
    assert lexicon("en") is loaded.signal_tables["en"]
    assert lexicon("es") is loaded.signal_tables["es"]
    assert loaded.versions["en/conversation_signals"] == lexicon("en").version


def test_an_edited_signal_changes_the_policy_version_even_without_a_version_bump(tmp_path):
    for folder in ("before", "after"):
        for lang in LANGUAGES:
            shutil.copytree(DEFAULT_DIR / lang, tmp_path / folder / lang)
    path = tmp_path / "after" / "en" / "conversation_signals.toml"
    path.write_text(path.read_text().replace("home alone", "home all alone"), encoding="utf-8")
    before = load(str(tmp_path / "before"), LANGUAGES)
    after = load(str(tmp_path / "after"), LANGUAGES)
    assert after.versions == before.versions
    assert after.version != before.version


def test_a_signal_weight_out_of_range_is_refused_at_load(tmp_path):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "conversation_signals.toml").write_text(
        'version = 1\n[families.age]\nlabel = "age"\n'
        '[[families.age.signals]]\nid = "asks_age"\nweight = 1.5\npatterns = ["how old"]\n',
        encoding="utf-8",
    )
    with pytest.raises(LexiconError, match="weight"):
        load(str(tmp_path), ("en",))
