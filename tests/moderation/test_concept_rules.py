"""Concept rules (`moderation.detectors.concepts`): how a rule's stand-downs (`none_of`) read a
message. A small lexicon of its own, so each concept stands for one word."""

import pytest

from moderation import lexicon
from moderation.detectors.base import Context, Rule, apply_rules, compile_words
from moderation.detectors.concepts import ConceptRule, match, stood_down
from moderation.normalize import normalize

WORDS = {
    "fear": ["scared"],
    "abuser_adult": ["my dad"],
    "victim_self": ["of him"],
    "identity_noun": ["trans"],
    "kindness": ["hugged"],
    "harm_act": ["hits"],
    "no_food": ["no food"],
    "self_denial": ["dont deserve"],
}


@pytest.fixture(scope="module")
def lex(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lexicon")
    (folder / "en").mkdir()
    body = "\n".join(f"{c} = {words!r}".replace("'", '"') for c, words in WORDS.items())
    (folder / "en" / "x.toml").write_text(f"version = 1\n[concepts]\n{body}\n", encoding="utf-8")
    return lexicon.load(str(folder), ("en",))


def analysis(text, lex):
    return lexicon.analyse(normalize(text), lex)


FEAR = ConceptRule(
    "afraid", "abuse_disclosure", ("fear", "victim_self"), none_of=(("identity_noun", "kindness"),)
)


def test_a_tuple_in_none_of_stands_the_rule_down_only_when_all_of_it_is_present(lex):
    assert match(FEAR, analysis("im scared of him", lex))
    assert match(FEAR, analysis("my sister is trans and im scared of him", lex))
    assert match(FEAR, analysis("he hugged her and im scared of him", lex))
    assert match(FEAR, analysis("my sister is trans, he hugged her, im scared of him", lex)) is None


def test_each_concept_of_a_tuple_is_still_subject_to_what_voids_it(lex):
    # An act of harm named takes away the kindness's power to stand the fear down.
    text = "my sister is trans, he hugged her, but he hits me and im scared of him"
    assert match(FEAR, analysis(text, lex))


def test_a_single_stand_down_and_its_voiding_concept_work_as_before(lex):
    rule = ConceptRule("no food", "abuse_disclosure", ("no_food",), none_of=("self_denial",))
    assert match(rule, analysis("there is no food", lex))
    assert match(rule, analysis("there is no food, i dont deserve it", lex)) is None
    # An adult named in the message keeps the neglect finding.
    assert match(rule, analysis("there is no food, my dad says i dont deserve it", lex))


def test_a_pattern_rule_is_stood_down_by_its_none_of_when_the_detector_asks(lex):
    rule = Rule(compile_words("no food"), "no food", "abuse_disclosure", none_of=("self_denial",))
    text = "no food today, i dont deserve it"
    a = analysis(text, lex)
    assert stood_down(rule.none_of, a)
    student = Context(sender_role="student", recipient_roles=("mentor",))
    assert apply_rules("x", [rule], normalize(text), student)
    asked = apply_rules("x", [rule], normalize(text), student, lambda r: stood_down(r.none_of, a))
    assert not asked


def test_a_rules_only_file_is_read_by_the_rules_and_not_by_the_learned_features(tmp_path):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "a.toml").write_text('version = 1\n[concepts]\nfear = ["scared"]\n')
    rules_only = 'fear = ["spooked"]\nkindness = ["hugged"]\n'
    (tmp_path / "en" / "b.toml").write_text(
        f"version = 1\nlearned_features = false\n[concepts]\n{rules_only}"
    )
    lex = lexicon.load(str(tmp_path), ("en",))
    features = lex.for_features()
    assert analysis("im spooked, he hugged me", lex).has("kindness")
    assert analysis("im spooked", lex).has("fear")
    assert not analysis("im spooked, he hugged me", features).present
    assert analysis("im scared", features).has("fear")


def test_learned_features_must_be_true_or_false(tmp_path):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "a.toml").write_text('version = 1\nlearned_features = "no"\n[concepts]\n')
    with pytest.raises(lexicon.LexiconError, match="learned_features"):
        lexicon.load(str(tmp_path), ("en",))
