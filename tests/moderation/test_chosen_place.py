"""A place to jump already chosen, with a time set, in English and Spanish (docs/moderation.md,
"A place chosen"): a plan, whatever the words. Choosing a bridge to draw, a building to tour or a
place for the picnic is no plan."""

import pytest

from tests.moderation.families import STUDENT, caught, run

PLANS = [
    "already chose which overpass, sunday night",
    "i figured out which parking garage. tonight after everyone is asleep",
    "found the perfect rooftop for it, this weekend",
    "ya escogí cuál puente, el viernes saliendo de la escuela",
    "ya elegí el edificio, este finde ya no estoy",
]
NOT_PLANS = [
    "we picked out which bridge to draw for the art project friday",
    "i already picked which building we tour on the field trip friday",
    "found the perfect rooftop for pictures this weekend, the view is amazing",
    "ya elegí cuál puente vamos a dibujar el viernes para la clase de arte",
    "ya escogí el edificio para la maqueta del proyecto, la entrego mañana",
]


@pytest.mark.parametrize("text", PLANS)
def test_a_chosen_place_with_a_time_is_an_urgent_plan(text):
    verdict = run(text, STUDENT)
    assert caught(verdict, "self_harm"), verdict
    assert verdict.priority == "urgent", verdict


@pytest.mark.parametrize("text", NOT_PLANS)
def test_a_place_chosen_for_class_or_a_trip_passes(text):
    assert run(text, STUDENT).action == "deliver"
