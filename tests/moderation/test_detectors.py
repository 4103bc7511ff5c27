"""Each detector on its own: what it catches (also disguised), what it must let through."""

import pytest

from moderation.detectors.base import Context, KeywordSpec
from moderation.detectors.contact import ContactInfoDetector
from moderation.detectors.grooming import GroomingDetector
from moderation.detectors.keywords import DistrictKeywordDetector
from moderation.detectors.safeguarding import SafeguardingDetector
from moderation.detectors.sexual import SexualContentDetector
from moderation.detectors.toxicity import ToxicityRulesDetector
from moderation.normalize import normalize

MENTOR = Context(sender_role="mentor", recipient_roles=("student",), link_allowlist=(".edu",))
STUDENT = Context(sender_role="student", recipient_roles=("mentor",), link_allowlist=(".edu",))


def categories(detector, text, context=STUDENT):
    return sorted({f.category for f in detector.detect(normalize(text), context)})


@pytest.mark.parametrize(
    "text",
    [
        "ring me on 312.555.0148",
        "my cell: +1 (312) 555-0148",
        "three one two five five five zero one four eight",
        "3 1 2 - 5 5 5 - 0 1 4 8",
        "3l2 555 Ol48 is my number",
        "reach out: sam_k@proton.me",
        "sam dot k at gmail dot com",
        "sam [at] school [dot] org",
        "i'm at 4120 Birch Lane",
        "what's your snap",
        "add me on disc0rd",
        "my ig is @sky.walker_09",
        "my tag is wolfpup#7781",
        "w h a t s a p p me",
        "grab the invite t.me/joinchat/xyz",
        "visit www.freegames-now.xyz tonight",
        "where do u live",
        "text me later",
    ],
)
def test_contact_info_caught_including_disguises(text):
    assert categories(ContactInfoDetector(), text) == ["contact_info"]


@pytest.mark.parametrize(
    "text",
    [
        "call 988 if you ever feel like this",
        "the national hotline is 1-800-422-4453",
        "We lost 45 to 7",
        "room 118, bus 22, page 340",
        "the quiz is on 2026-05-12 at 3:30",
        "we raised $1,250 in 3 days",
        "I ran 5 miles down the trail",
        "read more at https://www.khanacademy.edu/algebra",
        "my phone is broken again",
        "you can call me Ms. Rivera",
        "I watched it on youtube",
    ],
)
def test_contact_info_ordinary_talk_passes(text):
    assert categories(ContactInfoDetector(), text) == []


def test_link_allowlist_is_the_districts():
    ctx = Context(sender_role="mentor", link_allowlist=("studyhub.example",))
    assert categories(ContactInfoDetector(), "see studyhub.example/unit3", ctx) == []
    assert categories(ContactInfoDetector(), "see otherhub.com/unit3", ctx) == ["contact_info"]
    # Chat invitations stay off-platform even when a district lists the site.
    ctx = Context(sender_role="mentor", link_allowlist=("discord.gg",))
    assert categories(ContactInfoDetector(), "discord.gg/abc", ctx) == ["contact_info"]


@pytest.mark.parametrize(
    "text",
    [
        "Keep this just between us",
        "no need to mention any of this to your mom",
        "erase our chats when you're done so nobody finds them",
        "are u home alone rn?",
        "who else reads your texts?",
        "I could swing by after school and drive you home",
        "let's hang out this weekend, just the two of us",
        "take a selfie for me",
        "I'll get you a gift card, don't tell anyone",
        "you're so mature for your age",
        "let's move this chat to a more private app",
    ],
)
def test_grooming_from_an_adult(text):
    assert categories(GroomingDetector(), text, MENTOR) == ["grooming"]


def test_grooming_depends_on_the_sender_role():
    text = "Don't tell anyone, ok? It's our secret"
    assert categories(GroomingDetector(), text, MENTOR) == ["grooming"]
    # From a student this often opens a disclosure: not treated as grooming.
    assert categories(GroomingDetector(), text, STUDENT) == []


@pytest.mark.parametrize(
    "text",
    [
        "See you at the career fair in the gym on the 12th",
        "Send me a photo of your science project when it's done",
        "I'll send you the application link",
        "Tell your counselor, she can help",
        "Great job, you should be proud",
    ],
)
def test_grooming_ordinary_mentor_talk_passes(text):
    assert categories(GroomingDetector(), text, MENTOR) == []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("i want to end it all", "self_harm"),
        ("I keep thinking about k!lling mys3lf", "self_harm"),
        ("been cutting my arms again", "self_harm"),
        ("my family would be better off without me", "self_harm"),
        ("I took a bunch of my mom's pills last night", "self_harm"),
        ("my dad kicks me when he's angry", "abuse_disclosure"),
        ("I'm afraid to go home", "abuse_disclosure"),
        ("there's no food in the house and mom hasn't come back in 3 days", "abuse_disclosure"),
    ],
)
def test_safeguarding(text, category):
    assert categories(SafeguardingDetector(), text) == [category]


def test_taking_other_things_is_not_an_overdose():
    assert categories(SafeguardingDetector(), "I took a bunch of my sister's books to school") == []


@pytest.mark.parametrize(
    "text",
    [
        "I killed it on my test",
        "this homework is killing me",
        "I almost died laughing",
        "my brother beat me at chess",
        "my mom made me do the dishes",
        "If you ever want to hurt yourself, please call 988",
        "my coach pushes me to work harder",
    ],
)
def test_safeguarding_ordinary_talk_passes(text):
    assert categories(SafeguardingDetector(), text) == []


@pytest.mark.parametrize(
    "text",
    [
        "ur such an idiot",
        "you're pathetic",
        "shut the f up",
        "this is f***ing dumb",
        "what a d u m b a s s",
        "I'm gonna punch you",
        "go kill yourself",
        "Muslims are terrorists",
        "you little sh!t",
    ],
)
def test_toxicity_rules(text):
    assert categories(ToxicityRulesDetector(), text) == ["toxicity"]


@pytest.mark.parametrize(
    "text",
    [
        "I'm gay",
        "I'm a proud Black Muslim woman",
        "My friend is trans and disabled",
        "Our Jewish youth group meets on Sundays",
        "I'm lesbian and my parents know",
        "I hate Mondays",
        "I'll beat you at chess next time",
        "that test was stupid hard",
        "I'll hit you up after class",
    ],
)
def test_identity_words_and_ordinary_talk_do_not_flag(text):
    for detector in (ToxicityRulesDetector(), SexualContentDetector(), GroomingDetector()):
        assert categories(detector, text, STUDENT) == []


def test_sexual_content():
    assert categories(SexualContentDetector(), "send n00dz", MENTOR) == ["sexual"]
    assert categories(SexualContentDetector(), "send nudes", MENTOR) == ["sexual"]
    assert categories(SexualContentDetector(), "s e n d  n u d e s", MENTOR) == ["sexual"]
    assert categories(SexualContentDetector(), "take off your shirt", MENTOR) == ["sexual"]


def test_district_keywords_match_normalised_text():
    ctx = Context(
        keywords=(KeywordSpec(phrase=normalize("Hollow Creek").words.text, category="grooming"),)
    )
    detector = DistrictKeywordDetector()
    found = detector.detect(normalize("meet at h0llow  cr33k?"), ctx)
    assert [(f.category, f.span) for f in found] == [("grooming", (8, 21))]
    assert detector.detect(normalize("the hollow log"), ctx) == []


def test_findings_carry_spans_into_the_original_text():
    text = "ok here: 415-555-0100 thanks"
    (finding,) = ContactInfoDetector().detect(normalize(text), STUDENT)
    assert text[finding.span[0] : finding.span[1]] == "415-555-0100"
    assert finding.category == "contact_info"
    assert "415-555-0100" in finding.reason


@pytest.mark.parametrize("text", ["", "\x00", "\ud800", "\u0301" * 5000, "a" * 4000, "@@@@"])
def test_detectors_never_raise_on_odd_input(text):
    for detector in (
        ContactInfoDetector(),
        GroomingDetector(),
        SexualContentDetector(),
        SafeguardingDetector(),
        ToxicityRulesDetector(),
    ):
        assert detector.detect(normalize(text), MENTOR) == []


@pytest.mark.parametrize(
    "text",
    [
        "a at b dot " * 400,
        "a b " * 1000,
        "1 " * 2000,
        "two oh nine " * 350,
        "12 aa bb cc " * 330,
        "@" * 4000,
        "a\u0301" * 2000,
    ],
)
def test_long_adversarial_input_stays_fast(text):
    import time

    from moderation.pipeline import get_pipeline

    started = time.perf_counter()
    get_pipeline().run(text[:4000], MENTOR, include_model=False)
    assert time.perf_counter() - started < 1.0


def test_rule_patterns_have_no_formatting_accidents():
    """A regex quantifier such as {0,3} inside an f-string becomes the text "(0, 3)"."""
    from moderation.detectors import contact, grooming, safeguarding, sexual, toxicity

    for module in (contact, grooming, safeguarding, sexual, toxicity):
        for rule in module.RULES:
            assert "(0, " not in rule.pattern.pattern, rule.reason
            assert "(1, " not in rule.pattern.pattern, rule.reason
            # A doubled backslash matches a literal backslash: always an escaping slip here.
            assert "\\\\" not in rule.pattern.pattern, rule.reason


@pytest.mark.parametrize(
    ("text", "caught"),
    [
        ("hide it from your mom, ok", True),
        ("when you're alone later, a pic would be nice", True),
        ("our little arrangement stays hidden from the coordinator", True),
        ("Keep your password secret and don't tell anyone", False),
        ("Your parents are welcome at the showcase", False),
    ],
)
def test_grooming_cue_pairs_from_an_adult(text, caught):
    expected = ["grooming"] if caught else []
    assert categories(GroomingDetector(), text, MENTOR) == expected
    assert categories(GroomingDetector(), text, STUDENT) == []
