# ruff: noqa: E501 (phrasings are easier to read unwrapped)
"""Round 18's grooming family in English and Spanish (docs/moderation.md, "Round 18").

Written for these tests from the kind of miss, not from the round's files: an adult who claims a
special, exclusive bond with the student (a connection not had with other students or with people
of the adult's age, "you really understand me", "tú sí me entiendes") and, in the same message,
asks for discretion, says others would not understand, or says not to mention it; and the Spanish
don't-tell phrasings with a clitic ("no lo comentes", "no se lo platiques") with the student's
people named. Benign near-misses in the same words: a surprise party or a gift for a parent kept
quiet, a mentor saying the student can tell their parents or the counselor anything, a great
connection between the student and a teacher, a special science-fair project, a novel or a health
class about grooming, advice to report such words, and a bond claimed in jest with nothing hidden.
"""

import pytest

from tests.moderation.families import MENTOR, caught, run

BOND_AND_DISCRETION = [
    # English
    "honestly I have a connection with you that I don't have with my other students, better not mention it to anyone",
    "you really understand me, way more than people my age do. others wouldn't understand, so let's keep this to ourselves",
    "u actually understand me lol. no need to mention our chats to anyone ok?",
    "I feel closer to you than to people my own age. don't bring it up with anyone, they'd get the wrong idea",
    "ur the only one who realy understands me... dont say anything to anybody k",
    "we have a bond I don't have with my other mentees, so keep it low key, people would take it the wrong way",
    "you understand me better than my coworkers do. mejor no lo menciones a nadie",
    "i can be myself with you in a way i can't with people my age, but keep it to yourself",
    # Spanish
    "siento una conexión especial contigo que no tengo con mis otros estudiantes, no lo comentes con nadie",
    "tú sí me entiendes, no como la gente de mi edad. los demás no lo entenderían",
    "tu si me entiendes jaja, mejor no lo menciones a nadie va?",
    "contigo tengo una conexión que no tengo con mis otros alumnos, no se lo platiques a nadie",
    "eres la única persona que de verdad me entiende, no lo cuentes a nadie porfa",
    "neta me entiendes mejor que la gente de mi edad, pero no lo digas a nadie, se harían ideas",
    "tú sí me entiendes, better not mention it to anyone ok?",
    "me comprendes como nadie de mi edad, sé discreta y que esto no salga de aquí",
]

DONT_TELL_YOUR_PEOPLE = [
    # English
    "don't bring it up with your mom, ok?",
    "no need to mention it to your parents, it's nothing",
    "better not mention it to your dad, he'd overreact",
    "dont say anything to ur mom about what we talked about",
    "not a word to your parents about this ok",
    "you don't need to bring it up with your family",
    # Spanish
    "no lo comentes con tus papás, ¿va?",
    "no se lo platiques a tu mamá, no es nada",
    "mejor no lo menciones a tu familia",
    "no lo cuentes a tu papá, se enoja por todo",
    "a tus papás no se lo vayas a contar",
    "ni se lo digas a tu hermana, es chismosa",
]

PASSES = [
    # English: a surprise or a gift for a parent
    "Your mom's surprise party is Saturday, better not mention it to anyone or she'll figure it out",
    "We got your dad a present for Father's Day, don't tell him!",
    "You really understand me when I explain the plan: it's a surprise party for your mom, so don't mention it to her",
    # telling the student's people anything; a teacher's great connection
    "You can tell your parents or the counselor anything, they really understand you",
    "You and Ms. Lopez have a great connection, she really understands you, you should bring it up with her",
    # a special project, a novel, health class, advice to report
    "Our special project for the science fair is a secret until Friday, don't mention it to the other teams",
    "In the novel he tells her she really understands him and that it's their secret, and that's the first warning sign",
    "In health class we learned that groomers say things like 'you understand me better than people my age, don't tell anyone'",
    "If anyone ever tells you to keep it quiet because you're the only one who understands them, tell your counselor",
    # a bond claimed in jest, nothing hidden
    "lol you really understand me, nobody else laughs at my terrible puns",
    # Spanish
    "La fiesta sorpresa de tu mamá es el sábado, no lo comentes con nadie",
    "Ya le compramos el regalo a tu papá para el día del padre, no se lo digas",
    "A tus papás o a la consejera les puedes contar lo que sea, ellos sí te entienden",
    "Tú y la maestra López tienen una gran conexión, ella sí te entiende",
    "Nuestro proyecto especial para la feria de ciencias es sorpresa, no lo cuentes a los otros equipos",
    "En la novela él le dice que tú sí me entiendes y que no lo cuente a nadie, y esa es la señal de alerta",
    "En la clase de salud vimos que un adulto que dice 'tú sí me entiendes, no lo comentes con nadie' es una señal de alerta",
    "Si alguien te dice que solo tú lo entiendes y que no lo cuentes a nadie, avísale a la consejera",
    "jaja tú sí me entiendes, nadie más se ríe de mis chistes malos",
]

BOND_ALONE = [
    "you really understand me",
    "tú sí me entiendes",
    "siento una conexión especial contigo que no tengo con mis otros estudiantes",
]


@pytest.mark.parametrize("text", BOND_AND_DISCRETION)
def test_a_bond_claimed_with_discretion_is_held(text):
    verdict = run(text, MENTOR)
    assert (verdict.action, caught(verdict, "grooming")) == ("hold", True), verdict.reasons


@pytest.mark.parametrize("text", DONT_TELL_YOUR_PEOPLE)
def test_dont_tell_with_the_students_people_is_held(text):
    verdict = run(text, MENTOR)
    assert (verdict.action, caught(verdict, "grooming")) == ("hold", True), verdict.reasons


@pytest.mark.parametrize("text", PASSES)
def test_benign_near_misses_pass(text):
    verdict = run(text, MENTOR)
    assert verdict.action == "deliver", verdict.reasons


@pytest.mark.parametrize("text", BOND_ALONE)
def test_a_bond_claimed_alone_stays_a_weak_signal(text):
    verdict = run(text, MENTOR)
    assert verdict.action == "deliver", verdict.reasons
    assert "exclusive_bond" in [s["signal"] for s in verdict.signals]
