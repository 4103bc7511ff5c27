"""A mentor's advice to report a request ("if anyone asks you to move to another app, tell your
coordinator") names an app or a detail as what someone else might ask for: it is delivered, in
English and Spanish. An offer of one's own before the advice, a handle in another sentence, or a
number written out stays a finding."""

import pytest

from moderation.detectors.base import Context
from moderation.pipeline import get_pipeline

MENTOR = Context(sender_role="mentor", recipient_roles=("student",))

ADVICE = [
    "if someone online asks you to move to snapchat, tell your coordinator right away",
    "if anyone asks you for pics or your number, screenshot it and tell me",
    "if anybody here ever asks you to talk on discord instead, let the coordinator know",
    "if a stranger asks you for your address or your school, tell a trusted adult",
    "if someone tries to get you to switch to whatsapp, report it",
    "si alguien te pide que hablen por snapchat, avísale a tu consejera",
    "si alguien te pide tu número o tu dirección, dile a la coordinadora",
    "si un desconocido te pide que pasen a whatsapp, me avisas de inmediato",
    "si alguien te invita a hablar por instagram en vez de aquí, repórtalo",
]

STILL_FOUND = [
    "text me on snapchat, if anyone asks you to tell, let me know",
    "add me on insta, my handle is coach_mike22. if someone asks you to delete it let me know",
    "if anyone asks you to text 559 555 0134, tell me",
    "escríbeme por whatsapp y si alguien te pide que lo borres me avisas",
    "si alguien te pide que le escribas al 559 555 0134 me avisas",
]


def run(text: str):
    return get_pipeline().run(text, MENTOR, include_model=False)


@pytest.mark.parametrize("text", ADVICE)
def test_advice_to_report_a_request_is_delivered(text):
    verdict = run(text)
    assert verdict.action == "deliver", verdict.reasons


@pytest.mark.parametrize("text", STILL_FOUND)
def test_an_offer_or_a_number_beside_such_advice_is_still_found(text):
    verdict = run(text)
    assert verdict.action != "deliver"
    assert "contact_info" in verdict.categories or "grooming" in verdict.categories
