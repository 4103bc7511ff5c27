# ruff: noqa: E501 (phrasings are easier to read unwrapped)
"""Who does what to whom (docs/moderation.md, "Round 18"): a possessive is not the child harmed
when it names whose the actor is ("my dad grabbed a huge fish", "mi papá agarró un pescado") or
a thing after the act ("mi tío pegó el póster en mi cuarto"); it is when it names the child's
body, clothes or one of the child's people after the act ("grabbed my arm", "hit my little
brother", "down our shorts"), and "me" always is. "Tocar" before an infinitive is a turn or a chore that falls to someone
("me toca lavar los platos"), not a touch ("me tocó ayer", "me toca las piernas").

Found by a fresh probe of benign traps (an adult grabbing a fish, a child's makeup taken); the
phrasings here were written for the tests."""

import pytest

from tests.moderation.families import STUDENT, caught, run

PASSES = [
    "my grandpa grabbed the biggest crab off the boat, it was huge",
    "my uncle kicked the soccer ball all the way over the fence lol",
    "my mom slapped the counter laughing when I told her the joke",
    "my dad hit a home run at his work softball game and everyone cheered",
    "mi abuelo agarró una trucha enorme en el río",
    "mi tío pegó las fotos de la boda en mi cuarto",
    "mi mamá le pegó un grito a la tele cuando perdió el américa",
    "mi papá pateó el balón hasta el otro lado de la cancha",
    "mi prima agarró mi maquillaje sin permiso jaja",
    "mi mamá dice que hoy me toca lavar los platos",
    "mi abuela me dijo que me tocaba ir por las tortillas",
    "con mi tío me tocó pintar la cerca el sábado",
    "mi papá dijo que nos toca limpiar el garage",
    "mi tía dice que me toca cuidarlos mientras ella trabaja",
]

CAUGHT = [
    "my dad grabbed my arm so hard it left marks",
    "my stepdad slapped my face because I forgot the dishes",
    "my uncle put his hand under my shirt when we were alone",
    "my dad hits me when he drinks",
    "my mom's boyfriend kicked my little brother down the stairs",
    "mi papá me agarró del cuello y me aventó",
    "mi padrastro agarró mi brazo y me lo torció",
    "mi tío me toca cuando no hay nadie en la casa",
    "mi mamá le pegó a mi hermanito con el cable",
    "mi tío me tocó ayer en la noche",
    "mi padrastro me toca las piernas cuando mi mamá no está",
    "el novio de mi mamá me tocó estando dormida",
    "mi primo me tocaba debajo de la ropa",
    "mi tío siempre anda golpeándonos cuando toma",
    "mi padrastro quiere pegarme en mi cuarto",
]


@pytest.mark.parametrize("text", PASSES)
def test_a_possessive_of_the_actor_or_a_thing_is_no_victim(text):
    verdict = run(text, STUDENT)
    assert verdict.action == "deliver", verdict.reasons


@pytest.mark.parametrize("text", CAUGHT)
def test_the_child_or_the_child_s_people_harmed_are_caught(text):
    verdict = run(text, STUDENT)
    assert caught(verdict, "abuse_disclosure"), verdict.reasons
    assert verdict.priority == "urgent", verdict.reasons
