"""Round 16's sexual families in English and Spanish (docs/moderation.md, "Round 16").

Written for these tests from kinds of miss: a mirror photo asked for after a bodily moment or
"just for me", feet pictures asked for, a student telling that they hooked up, asking a mentor's
favourite position on a dare, and lewd remarks on a teacher's body; with near-misses in the same
words (a position on a team, a printer hooked up, a teacher's sore legs, tasty food).
"""

import pytest

from tests.moderation.families import MENTOR, STUDENT, caught, run

HELD = [
    # a mirror photo asked for by an adult
    (MENTOR, "take a mirror selfie after your shower and send it, just for me"),
    (MENTOR, "send me a pic in the mirror after the game, nobody will see it"),
    (MENTOR, "mándame una foto en el espejo saliendo de bañarte, nadie más la va a ver"),
    (MENTOR, "tómate una selfie en el espejo después del entrenamiento y mándamela, solo para mí"),
    # feet pictures
    (MENTOR, "send me a pic of your feet"),
    (STUDENT, "send foot pics mister lol"),
    (MENTOR, "mándame foto de tus pies"),
    (STUDENT, "pasame fotos de tus pies jaja"),
    # a student telling that they hooked up
    (STUDENT, "me and jay hooked up in the back of his truck last night"),
    (STUDENT, "i hooked up with her after the dance lol"),
    (STUDENT, "nos liamos en su cuarto después de la fiesta"),
    (STUDENT, "me fajé con mi novio en su carro jaja"),
    # sexual positions asked
    (STUDENT, "what's ur favorite position 😏"),
    (STUDENT, "my friends dared me to ask ur favorite position lol"),
    (STUDENT, "cuál es tu posición favorita profe 😏"),
    (STUDENT, "me retaron a preguntarle su posición favorita jaja"),
    # a teacher's body remarked on
    (STUDENT, "ms lopez got some nice legs in that skirt ngl"),
    (STUDENT, "the sub is so fine, did u see those legs"),
    (STUDENT, "qué rica está la miss con esas piernas"),
    (STUDENT, "q rico el profe de mate, con esos brazos"),
]

PASSES = [
    (STUDENT, "what position do you play on your soccer team?"),
    (STUDENT, "my favorite position in volleyball is setter"),
    (STUDENT, "¿qué posición juegas en el equipo de fútbol?"),
    (STUDENT, "mi posición favorita en el fútbol es portero"),
    (STUDENT, "my dad hooked up the new printer in my room"),
    (STUDENT, "my counselor hooked me up with a tutor for chem"),
    (STUDENT, "mi tío me conectó la impresora en mi cuarto"),
    (STUDENT, "our teacher's legs must be tired from standing all day"),
    (STUDENT, "la maestra se lastimó las piernas en la excursión"),
    (STUDENT, "q rica la comida de la cafeteria hoy"),
    (STUDENT, "qué rico el pozole que hizo la profe para el convivio"),
    (STUDENT, "my feet hurt so bad after practice"),
    (STUDENT, "the room is 12 feet long, send me the area when you get it"),
    (STUDENT, "me duelen los pies después del partido"),
    (MENTOR, "Send me a pic of the mirror you painted for art class"),
    (MENTOR, "Mándame una foto del espejo que pintaste para la clase de arte"),
]


@pytest.mark.parametrize(("context", "text"), HELD)
def test_sexual_families_are_held(context, text):
    verdict = run(text, context)
    assert (verdict.action, caught(verdict, "sexual")) == ("hold", True), verdict.reasons


@pytest.mark.parametrize(("context", "text"), PASSES)
def test_benign_near_misses_pass(context, text):
    verdict = run(text, context)
    assert verdict.action == "deliver", verdict.reasons
