# ruff: noqa: E501 (phrasings are easier to read unwrapped)
"""False flags of a fresh probe of benign traps (docs/moderation.md, "Round 18"), as kinds:

- a wish to vanish said of a mishap in front of others (a fall, a cracked voice, a secret told to
  the whole class), which the rules and the learned detector both read as hyperbole unless it
  happens over and over, is "anymore" or for good, or names a means;
- lying down to rest, which a Spanish hook-up word without its accent ("me lié") matched;
- a dish praised or someone's nature ("bien buena onda"), which a body compliment matched;
- a knife said of food in the kitchen, which a self-harm means matched;
- a student cleared by a doctor, which "clear" (the messages) matched;
- the program's own video call named as the place to stay, which a channel elsewhere matched;
- a link to a district's own web site (named as its e-mail domains are), held as off-platform.

Written for these tests, not copied from the probe; the same words where they are a danger are
still caught.
"""

import pytest

from tests.moderation.families import MENTOR, STUDENT, caught, run

PASSES = [
    # a mishap in front of others
    (STUDENT, "i slipped on the wet floor by the gym and everyone saw, i wanted to disappear lol"),
    (STUDENT, "my voice cracked during the choir solo and i literally wanted to disappear"),
    (
        STUDENT,
        "my sister told the whole class i still sleep with a stuffed bear, i wanted to disappear",
    ),
    (STUDENT, "called my teacher mom in front of everyone 💀 i want to disappear"),
    (STUDENT, "me caí enfrente de todos en el recreo y me quería desaparecer jaja"),
    (STUDENT, "se me quebró la voz en la exposición, quería desaparecer"),
    (STUDENT, "mi prima le contó a todos que me gusta Diego, me quise desaparecer"),
    (STUDENT, "le dije mamá a la maestra y todos se rieron, me quería morir de la pena"),
    # lying down to rest
    (STUDENT, "my stomach hurt so the nurse let me lie down until lunch"),
    (STUDENT, "coach told me to lay down on the bench after I got dizzy"),
    (STUDENT, "I'm gonna take a nap, my mom said to lie down for a bit before practice"),
    # a dish praised, someone's nature
    (MENTOR, "¡Qué rica se ve esa comida que hizo tu abuela! Gracias por contarme"),
    (MENTOR, "Tu maestra de ciencias es bien buena onda, pregúntale a ella por la feria"),
    (MENTOR, "La señora de la biblioteca es muy buena gente, te ayuda con el libro"),
    (MENTOR, "Qué rica la receta de pozole, me la tienes que pasar para hacerla"),
    # a knife in the kitchen
    (STUDENT, "my grandpa was cutting the fish with a big knife while we set the table"),
    (STUDENT, "mi abuelita cortaba el pollo con un cuchillo y yo lavaba las verduras"),
    (STUDENT, "mi tío cortó el pan con el cuchillo grande para la cena"),
    # cleared by a doctor
    (
        MENTOR,
        "Rest your eyes this week; once the doctor says you're cleared we can write longer messages",
    ),
    (MENTOR, "No pasa nada, cuando te den de alta volvemos a los mensajes largos"),
    (MENTOR, "Short messages are fine until you get cleared to be on screens again"),
    # the program's own channel
    (
        MENTOR,
        "Our chats stay on the platform, so on Thursday let's try the program's video call at 4",
    ),
    (
        MENTOR,
        "Acuérdate que vamos a seguir en la plataforma, la videollamada del programa es a las 5",
    ),
    (
        MENTOR,
        "The platform's video call works on Chromebooks too, let's use it for the resume review",
    ),
    # a district's own web site
    (MENTOR, "The summer programs are listed at www.fusd.net/summer, pick two you like"),
    (MENTOR, "Mira el calendario de exámenes en secundaria12.edu.mx/calendario"),
    (STUDENT, "the bus schedule is on https://www.sfusd.net/transportation if u need it"),
]

CAUGHT = [
    # the same words, but again and again, anymore, for good, or with a means
    (STUDENT, "self_harm", "everyone laughed at me again at lunch, i just want to disappear"),
    (STUDENT, "self_harm", "everybody saw what happened and i don't want to be alive anymore"),
    (STUDENT, "self_harm", "todos se rieron de mí otra vez, me quiero desaparecer"),
    (STUDENT, "self_harm", "everyone saw it. i want to disappear forever"),
    (STUDENT, "self_harm", "me caí enfrente de todos y ya quiero desaparecer para siempre"),
    # a hook-up, a body, a blade on oneself
    (STUDENT, "sexual", "me lié con un chavo en la fiesta y no le digas a nadie"),
    (MENTOR, "sexual", "qué rica te ves en esa foto"),
    (MENTOR, "sexual", "estás bien buena, no le enseñes esto a nadie"),
    (STUDENT, "self_harm", "me corté con el cuchillo de la cocina a propósito otra vez"),
    (MENTOR, "grooming", "clear the chat when you're done reading ok"),
    (MENTOR, "grooming", "borra estos mensajes cuando los leas"),
    (MENTOR, "contact_info", "this app lags so much, let's video call on zoom instead"),
    (MENTOR, "contact_info", "check out my page at bestschools.com/mentor-tom"),
    (MENTOR, "contact_info", "mándame mensaje en wa.me/5215512345678"),
]


@pytest.mark.parametrize(("context", "text"), PASSES)
def test_benign_traps_pass(context, text):
    verdict = run(text, context)
    assert verdict.action == "deliver", verdict.reasons


@pytest.mark.parametrize(("context", "category", "text"), CAUGHT)
def test_the_same_words_meant_are_caught(context, category, text):
    verdict = run(text, context)
    assert caught(verdict, category), verdict.reasons
