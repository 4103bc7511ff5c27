# ruff: noqa: E501 (phrasings are easier to read and review unwrapped)
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
    (
        "cover",
        "abuse_disclosure",
        "if anyone asks i fell down the stairs ok? he was so angry last night",
    ),
    (
        "cover",
        "abuse_disclosure",
        "if the nurse asks i tripped at practice, my stepdad was furious",
    ),
    (
        "cover",
        "abuse_disclosure",
        "the mark on my cheek wasnt from soccer like i told coach, my mom lost it on me",
    ),
    ("home", "abuse_disclosure", "i hate going home when hes there, can i stay after school"),
    ("home", "abuse_disclosure", "dont wanna go home if his car is outside"),
    (
        "home",
        "abuse_disclosure",
        "i really dont want to go home, his truck is in the driveway again",
    ),
    (
        "secret",
        "abuse_disclosure",
        "the youth pastor kissed me in his office and said it stays our little secret",
    ),
    ("secret", "abuse_disclosure", "my trainer hugs me in the back room and says its between us"),
    ("secret", "abuse_disclosure", "the deacon held me in his car and told me not to tell"),
    (
        "touch",
        "abuse_disclosure",
        "my coach touches me weird when he stretches me and says its normal",
    ),
    (
        "touch",
        "abuse_disclosure",
        "the trainer touched me funny at the injury check, he says it's part of the job",
    ),
    ("touch", "abuse_disclosure", "he touches me in a weird way and says everyone does it"),
    (
        "neck",
        "abuse_disclosure",
        "my dad grabbed me by the neck because i didnt do the dishes right",
    ),
    ("fed", "abuse_disclosure", "school lunch is the only real food i get, at home nobody cooks"),
    ("fed", "abuse_disclosure", "they barely feed me at home so i only eat at school"),
    ("fed", "abuse_disclosure", "at my house they dont feed me, school lunch is all i eat"),
]

# (family, text) from a student: delivered.
BENIGN_STUDENT = [
    (
        "knife",
        "made tacos with my dad, used the big knife to chop onions and didnt cut myself once!!",
    ),
    (
        "knife",
        "chopping veggies in cooking class today, i didnt cut myself, still have all my fingers",
    ),
    ("game", "i want to die lol we lost the match in overtime"),
    ("game", "lost in ranked again, i wanna die lmao"),
    (
        "documentary",
        "in psychology we saw a documentary about a woman who survived a fall from a building and now talks about mental health",
    ),
    (
        "documentary",
        "for psych class we watched a ted talk by a guy who survived jumping off a bridge and now helps people",
    ),
    (
        "dive",
        "bruise on my arm from diving for the ball at volleyball, coach said it was a great dive",
    ),
    ("dive", "my knee has a bruise from volleyball, coach said it was worth it for the point lol"),
    (
        "surprise",
        "hid the birthday cake at the neighbors house so my mom wont see it, its a surprise party",
    ),
    (
        "farewell",
        "thanks for everything! wanted you to know before graduation that i got into college",
    ),
    ("farewell", "if im not on next week its cause we're on vacation, not your fault lol"),
    ("height", "how tall is the eiffel tower? just curious, we're doing a project on france"),
    ("food", "im not eating until dinner, saving room for grandma's tamales"),
    ("cover", "if anyone asks i fell asleep in class lol my teacher was so mad"),
    ("home", "i dont want to go home yet when my cousin is there, he always wins at 2k lol"),
    (
        "secret",
        "our youth leader hugged me in his office when i told him grandpa passed, it helped",
    ),
    (
        "fed",
        "the cafeteria pizza is the only thing i eat at school, at home my mom cooks everything",
    ),
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
