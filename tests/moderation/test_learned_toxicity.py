"""The learned detector's toxicity class speaks only for the languages no inline toxicity scorer
reads (Spanish by default: the inline scorer is English; Detoxify's multilingual model needs its
weights), so an English "this homework is trash" is left to the English scorer and the rules."""

import pytest

from moderation.detectors.base import Context
from moderation.detectors.learned import LearnedDetector
from moderation.normalize import normalize

STUDENT = Context(sender_role="student", recipient_roles=("mentor",))

SPANISH_INSULTS = [
    "sos un inútil de mierda, nadie te aguanta en el salón",
    "eres una pendeja bien asquerosa, todos se burlan de ti",
    "ese chamaco es un estúpido y un mugroso, que se largue del grupo",
]


def _toxicity(detector, text):
    return [f for f in detector.detect(normalize(text), STUDENT) if f.category == "toxicity"]


@pytest.mark.parametrize("text", SPANISH_INSULTS)
def test_spanish_insults_get_the_learned_toxicity_reading(text):
    found = _toxicity(LearnedDetector(), text)
    assert found, text
    assert found[0].details["learned_label"] == "toxicity"


def test_english_toxicity_is_left_to_the_english_scorer():
    detector = LearnedDetector()
    assert not _toxicity(detector, "you are a disgusting stupid loser and everyone hates you")
    # Configured for English too, the same detector reads it.
    both = LearnedDetector(toxicity_languages=("en", "es"))
    assert _toxicity(both, "you are a disgusting stupid loser and everyone hates you")
