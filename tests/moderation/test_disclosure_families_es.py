"""Disclosure families of the fresh evaluation rounds, Spanish (US-district Spanish, texting
spellings, Spanglish; docs/moderation.md, "Disclosure families by kind").

The rounds were never read: each family was described by kind, and the phrasings here were
written for these tests in other words, with benign traps in the same words (a match, a class, a
trip, a surprise, laughter, a kitchen knife) that must still pass.
"""

import pytest

from tests.moderation.families import STUDENT, caught, run

# (family, category, text) from a student: caught, and urgent.
FROM_STUDENTS = [
    (
        "farewell",
        "self_harm",
        "si ya no me conecto el lunes no es culpa de usted, gracias por todo profe",
    ),
    ("farewell", "self_harm", "si ya no sabe de mí después de hoy, no se culpe"),
    ("farewell", "self_harm", "gracias por todo miss, nomas queria que supiera antes"),
    (
        "farewell",
        "self_harm",
        "ya les dejé cartas a mis hermanos y a mi amá, estoy harta de existir",
    ),
    ("height", "self_harm", "cuántos pisos tiene el edificio del centro? por curiosidad nomás"),
    ("height", "self_harm", "oiga que tan alto esta el puente del freeway, nomas por saber"),
    ("height", "self_harm", "de qué altura es la azotea del hospital? pregunta random"),
    ("food", "self_harm", "no pienso comer hasta bajar a 40 kilos"),
    ("food", "self_harm", "llevo dias sin comer y me gusta el control que siento"),
    ("food", "self_harm", "me salto comidas toda la semana, es lo unico que puedo controlar"),
]

# (family, text) from a student: delivered.
BENIGN_STUDENT = [
    (
        "farewell",
        "si no me conecto la otra semana es porque vamos a méxico de vacaciones, no es su culpa",
    ),
    ("height", "que tan alto es el edificio más alto de dallas? por curiosidad, es para la tarea"),
    ("food", "no voy a comer hasta llegar a la casa, mi abuela hizo mole"),
]


@pytest.mark.parametrize(("family", "category", "text"), FROM_STUDENTS)
def test_a_students_disclosure_families_are_caught_and_urgent(family, category, text):
    verdict = run(text, STUDENT)
    assert caught(verdict, category), verdict.reasons
    assert verdict.priority == "urgent", verdict.reasons


@pytest.mark.parametrize(("family", "text"), BENIGN_STUDENT)
def test_benign_traps_in_the_same_words_pass(family, text):
    verdict = run(text, STUDENT)
    assert verdict.action == "deliver", verdict.reasons
