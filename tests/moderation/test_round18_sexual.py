"""Round 18's sexual family, English and Spanish (docs/moderation.md, "Round 18").

Written for these tests from a kind of miss, not taken from the round's files: oral sex and sex
acts in slang, asked about or offered, by a student or a mentor (give head, go down on someone, a
bj, sucking someone off; chupársela, mamarla, una mamada, hacerle un oral, "coger" asked about).
Benign traps in the same words: breastfeeding a baby or a calf, a lollipop, licking one's
fingers, the head of the class, a head start, going down a list, catching a bus, an oral exam,
and a health-class question about infections (delivered, as the lessons' other questions are).
"""

import pytest

from tests.moderation.families import MENTOR, STUDENT, caught, run

SEX_ACTS = [
    # English
    (STUDENT, "have u ever given head"),
    (STUDENT, "would you go down on a girl?"),
    (STUDENT, "i'd give you a bj lol"),
    (STUDENT, "she was sucking him off behind the gym"),
    (MENTOR, "i could go down on you sometime 😏"),
    (STUDENT, "wanna suck me off"),
    (STUDENT, "do you like getting head or giving it"),
    (MENTOR, "ever ate a girl out?"),
    (STUDENT, "my gf gave me a blowie in the car"),
    (STUDENT, "do u like oral? 😏"),
    # Spanish and Spanglish
    (STUDENT, "profe usted se la deja chupar por su novia?"),
    (STUDENT, "te la chupo si me pasas la tarea jaja"),
    (STUDENT, "quieres que te la mame"),
    (STUDENT, "mi novia me hizo una mamada en el baño"),
    (STUDENT, "le hice un oral a mi novio"),
    (STUDENT, "te gusta coger?"),
    (STUDENT, "¿como te gusta coger profe?"),
    (MENTOR, "¿ya te la han chupado?"),
    (STUDENT, "bro she wants to mamarla lol"),
    (STUDENT, "has hecho sexo oral?"),
    (MENTOR, "te hago un oral si no le dices a nadie"),
    (STUDENT, "do you like when they te la chupan?"),
]

BENIGN = [
    # English
    (STUDENT, "he is the head of the class"),
    (STUDENT, "give me a head start on the race"),
    (STUDENT, "let's go down on the list and check each name"),
    (STUDENT, "in health class we learned about STDs, can you get them from oral?"),
    (STUDENT, "i got head lice from my cousin ugh"),
    (STUDENT, "my oral presentation is tomorrow, so nervous"),
    (MENTOR, "Let's go down the list of colleges you like"),
    # Spanish
    (STUDENT, "en la clase de salud aprendimos que el bebé tiene que mamar cada dos horas"),
    (STUDENT, "en el rancho el becerro todavía mama de la vaca"),
    (STUDENT, "me gusta chupar una paleta de mango en el recreo"),
    (STUDENT, "me chupé los dedos de lo rico que estaba el pozole"),
    (STUDENT, "mañana tengo que coger el autobús a las siete"),
    (STUDENT, "mi mamá me la compró ayer"),
    (
        STUDENT,
        "en la clase de salud dijeron que te puedes contagiar de ets por sexo oral, es cierto?",
    ),
    (STUDENT, "tengo un examen oral de inglés mañana"),
]


@pytest.mark.parametrize(("context", "text"), SEX_ACTS)
def test_sex_acts_in_slang_are_held(context, text):
    verdict = run(text, context)
    assert (verdict.action, caught(verdict, "sexual")) == ("hold", True), verdict.reasons


@pytest.mark.parametrize(("context", "text"), BENIGN)
def test_same_words_in_other_senses_pass(context, text):
    verdict = run(text, context)
    assert verdict.action == "deliver", verdict.reasons
