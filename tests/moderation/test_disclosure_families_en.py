"""Disclosure families of the fresh evaluation rounds, English (docs/moderation.md, "Disclosure
families by kind").

The rounds were never read: each family was described by kind (what is said, by whom), and the
phrasings here were written for these tests in other words, with benign traps in the same words
(a game, a class, a trip, a surprise, laughter, a kitchen knife) that must still pass.
"""

import pytest

from tests.moderation.families import STUDENT, caught, run

# (family, category, text) from a student: caught, and urgent.
FROM_STUDENTS = [
    (
        "farewell",
        "self_harm",
        "thanks for everything honestly. i needed you to know before, thats all",
    ),
    ("farewell", "self_harm", "thank you for everything mr g, wanted to tell you before i do it"),
    ("farewell", "self_harm", "if im not on next week dont blame yourself ok"),
    ("farewell", "self_harm", "if you dont hear from me after friday, its not your fault"),
    ("farewell", "self_harm", "left letters for my mom and sister under my bed, im done existing"),
    (
        "height",
        "self_harm",
        "how high up is the top floor of the parking garage on main? just wondering",
    ),
    ("height", "self_harm", "random question but how tall is the overpass by the freeway"),
    ("height", "self_harm", "how many stories is the hospital building, asking for no reason"),
    ("food", "self_harm", "im not gonna eat till i get to 100 lbs, thats the plan"),
    (
        "food",
        "self_harm",
        "been skipping meals all week and honestly i like the feeling of control",
    ),
    ("food", "self_harm", "not eating until im under 90 pounds"),
]

# (family, text) from a student: delivered.
BENIGN_STUDENT = [
    (
        "farewell",
        "thanks for everything! wanted you to know before graduation that i got into college",
    ),
    ("farewell", "if im not on next week its cause we're on vacation, not your fault lol"),
    ("height", "how tall is the eiffel tower? just curious, we're doing a project on france"),
    ("food", "im not eating until dinner, saving room for grandma's tamales"),
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
