# ruff: noqa: E501 (phrasings are easier to read unwrapped)
"""Round 16's false flags in English and Spanish (docs/moderation.md, "Round 16").

Written for these tests from kinds of false flag: an app named as what the student does with a
third person (a friend who moved away), a crisis line (988, 741741, 911) named as a number to pass
on, and a mentor's notice of time off the platform; with the same words where they do move the
talk, give a number or leave the platform, still held.
"""

import pytest

from tests.moderation.families import MENTOR, STUDENT, caught, run

PASSES = [
    # an app used with a third person
    (
        STUDENT,
        "my best friend moved to arizona and i miss her so much, we facetime every night though",
    ),
    (STUDENT, "my cousin moved back to mexico, we still video call on sundays"),
    (STUDENT, "mi mejor amigo se fue a vivir a texas, hacemos facetime los domingos"),
    (STUDENT, "extraño a mi prima, nos hablamos por whatsapp cada noche"),
    # a crisis line named to be passed on
    (
        MENTOR,
        "If your friend says she wants to hurt herself, give her 988, it's the crisis line from the poster in health class",
    ),
    (
        MENTOR,
        "The number on the health class poster, 741741, is a good one to share with a friend who is struggling",
    ),
    (
        MENTOR,
        "Si tu amigo dice que se quiere hacer daño, pásale el número 988, es la línea de crisis",
    ),
    (
        MENTOR,
        "Guarda el 911 y el 988, son números para compartir con cualquier amiga que lo necesite",
    ),
    # time off the platform
    (
        MENTOR,
        "Heads up: I'll be off the platform from Nov 25 to Dec 1 for Thanksgiving, I'll write when I'm back",
    ),
    (MENTOR, "I'm off the platform next week for a family trip, we'll pick up on the 14th"),
    (
        MENTOR,
        "Voy a estar fuera de la plataforma del 22 de diciembre al 5 de enero, te escribo al regresar",
    ),
]

HELD = [
    (STUDENT, "we can facetime this weekend if u want"),
    (STUDENT, "my friend moved away, do you have facetime? we could call"),
    (STUDENT, "hacemos facetime tú y yo el sábado?"),
    (MENTOR, "Give me your number so we can talk"),
    (MENTOR, "Pásame tu número y te marco"),
    (MENTOR, "I'll be off the platform for a while, text me on whatsapp"),
]


@pytest.mark.parametrize(("context", "text"), PASSES)
def test_false_flags_pass(context, text):
    verdict = run(text, context)
    assert verdict.action == "deliver", verdict.reasons


@pytest.mark.parametrize(("context", "text"), HELD)
def test_the_same_words_moving_the_talk_are_held(context, text):
    verdict = run(text, context)
    assert (verdict.action, caught(verdict, "contact_info")) == ("hold", True), verdict.reasons
