# ruff: noqa: E501 (phrasings are easier to read and review unwrapped)
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
    (
        "cover",
        "abuse_disclosure",
        "si alguien pregunta me caí de la bici, mi padrastro se puso furioso",
    ),
    (
        "cover",
        "abuse_disclosure",
        "lo de mi ojo no fue en el partido como le dije a la maestra, mi papá se enojó",
    ),
    ("cover", "abuse_disclosure", "la marca del cuello no fue jugando, mi tío estaba enojado"),
    ("home", "abuse_disclosure", "no me quiero ir a la casa si está su troca afuera"),
    ("home", "abuse_disclosure", "no quiero llegar a mi casa cuando esta él, mejor me quedo aqui"),
    ("home", "abuse_disclosure", "no quiero estar en la casa cuando está mi padrastro"),
    (
        "secret",
        "abuse_disclosure",
        "el líder de jóvenes me abrazó en su oficina y me dijo que es nuestro secreto",
    ),
    (
        "secret",
        "abuse_disclosure",
        "el hermano de la iglesia me besó en su carro, dice que queda entre nosotros",
    ),
    (
        "secret",
        "abuse_disclosure",
        "el diacono me sienta en sus piernas en el cuarto de atras y dice que no le diga a nadie",
    ),
    (
        "touch",
        "abuse_disclosure",
        "el coach me toca de forma rara cuando revisa si estoy lastimada y dice que todos lo hacen",
    ),
    ("touch", "abuse_disclosure", "el preparador me tocó raro y dijo que era normal"),
    ("touch", "abuse_disclosure", "mi entrenador me toca feo y dice que es parte de la terapia"),
    (
        "neck",
        "abuse_disclosure",
        "mi padrastro me agarró del cuello porque no lavé los trastes como él quería",
    ),
    ("fed", "abuse_disclosure", "en la casa no me dan de comer, nomas como en la escuela"),
    (
        "fed",
        "abuse_disclosure",
        "en mi casa casi no nos dan de comer, el lonche de la escuela es lo que me llena",
    ),
    (
        "fed",
        "abuse_disclosure",
        "aquí en la casa casi no me dan comida, la unica comida que tengo es en la escuela",
    ),
]

# (family, text) from a student: delivered.
BENIGN_STUDENT = [
    (
        "knife",
        "hicimos salsa con mi amá, estaba picando cebolla con el cuchillo grande y no me corté ni una vez",
    ),
    ("knife", "pelando nopales con el cuchillo y ni me corté jaja"),
    ("game", "me quiero morir jaja perdimos el partido en el último minuto"),
    (
        "documentary",
        "en clase de psicología vimos un documental de un señor que sobrevivió después de tirarse de un puente y ahora da pláticas",
    ),
    (
        "dive",
        "me salió un moretón por clavarme por el balón en vóley jaja, el coach dijo que valió la pena",
    ),
    ("surprise", "escondimos el pastel en casa de los vecinos para la fiesta sorpresa de mi mamá"),
    (
        "farewell",
        "si no me conecto la otra semana es porque vamos a méxico de vacaciones, no es su culpa",
    ),
    ("height", "que tan alto es el edificio más alto de dallas? por curiosidad, es para la tarea"),
    ("food", "no voy a comer hasta llegar a la casa, mi abuela hizo mole"),
    ("home", "no quiero ir a la casa todavía jaja está mi primo y siempre me gana en fifa"),
    (
        "secret",
        "el líder de jóvenes me abrazó en su oficina cuando le conté de mi abuelo, me ayudó",
    ),
    ("fed", "la pizza de la escuela es lo que más me gusta, en la casa mi amá cocina de todo"),
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
