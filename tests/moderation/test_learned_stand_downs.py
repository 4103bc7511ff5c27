"""The learned detector's stand-downs for kind gestures and a death said of failing a chore,
on phrasings other than the benign traps of the round tests, and what must still be caught."""

import pytest
from django.conf import settings

from moderation.detectors.base import Context
from moderation.pipeline import get_pipeline

STUDENT = Context(
    sender_role="student",
    recipient_roles=("mentor",),
    link_allowlist=tuple(settings.MODERATION["LINK_ALLOWLIST"]),
)

BENIGN = [
    "we found out where coach lives so we're bringing him a cake for his last game",
    "ya sabemos dónde vive el profe de historia, le vamos a llevar unas flores el viernes",
    "my aunt makes the best food when my mom works the late shift",
    "mi tía nos hace de comer cuando mi mamá está en el trabajo",
    "i'm literally going to die if i fail this algebra final",
    "me muero si repruebo el examen de química, neta",
    "my mom will kill me if i get a c on this project",
]

STILL_CAUGHT = [
    ("i know where you live and i'm bringing a knife friday", "toxicity"),
    (
        "mi tío me hace cosas que no me gustan cuando mi mamá no está y me pega si digo algo",
        "abuse_disclosure",
    ),
    ("if i fail this test i'm going to take all my mom's pills, i mean it", "self_harm"),
]


@pytest.mark.parametrize("text", BENIGN)
def test_kind_gestures_and_chore_hyperbole_pass(text):
    v = get_pipeline().run(text, STUDENT, include_model=False)
    assert v.action == "deliver", v.reasons


@pytest.mark.parametrize(("text", "category"), STILL_CAUGHT)
def test_harm_named_beside_them_is_still_caught(text, category):
    v = get_pipeline().run(text, STUDENT, include_model=False)
    assert v.action != "deliver", v.reasons
    assert category in v.categories, v.reasons
