# ruff: noqa: E501 (phrasings are easier to read and review unwrapped)
"""Round 16's toxicity families, English and Spanish (docs/moderation.md, "Round 16, toxicity").

The phrasings here were written for these tests, not taken from the rounds' files: each family was
named from a kind of miss or false flag (what is said, by whom, to whom), then written in other
words, persons and registers (texting spellings, no accents, Spanglish), with benign near-misses
that must still pass (a welcome group chat, a move to another school, a novel, a washed car, a
game, a proud mentor, questions about a hijab, a health-class demonstration).
"""

import pytest

from moderation.pipeline import build_pipeline
from tests.moderation.families import MENTOR, RULE_DETECTORS, STUDENT, caught, run

# A campaign against a classmate: a fake account, rumours, posted photos, exclusion, until they leave.
HARASSMENT = [
    "i made a burner account and dm'd her that everyone hates her and she should switch schools",
    "we should make that new kid's life hell until he transfers out",
    "lets start a rumor about her in the gc so she leaves this school",
    "im gonna make a spam account and tell him nobody wants him here",
    "we made a group chat just to post his ugly pics, keep it up till he changes schools",
    "hice una cuenta falsa y le escribí que nadie lo quiere y que mejor se cambie de escuela",
    "vamos a hacerle la vida imposible a la nueva hasta que se vaya de la escuela",
    "esa es bien cuero, hay que correr el chisme en el chat del salon",
    "armamos un grupo pa subir sus fotos feas hasta que se cambie de escuela",
    "vamos a spread el chisme de ella en el gc, la muy cuero",
]

# A threat to damage someone's property (a car, a truck, a house), said at school or of staff.
PROPERTY_THREATS = [
    "coach won't start me so i'll torch his truck in the parking lot, dead serious",
    "if coach keeps benching me im gonna burn his car after school, not kidding",
    "if mr k fails me again i'll smash his car behind the gym",
    "si la profe me reprueba le poncho las llantas en el estacionamiento, neta",
    "si el coach me deja en la banca otra vez le rayo la troca a la salida, no es broma",
    "si el director me expulsa le quemo la casa, te lo juro",
    "i'll set fire to coach's truck in the parking lot if he cuts me",
    "si el coach no me pone a jugar le prendo fuego a su carro en el estacionamiento",
]

# A mentor demeaning a student's future and work.
MENTOR_PUT_DOWNS = [
    "With scores like that you'll never go anywhere. Honestly pathetic.",
    "At this rate you're going nowhere in life. Pathetic effort.",
    "con esas calificaciones no vas a llegar a ningún lado. Qué patético.",
    "con notas así nunca vas a llegar a ningun lado, eres un fracasado",
]

STUDENT_TRAPS = [
    # a welcome, a move, a novel, a word spread for a sale
    "we made a group chat for the new girl so she has people to sit with at lunch",
    "my cousin is transferring schools next year because they moved",
    "someone made a fake account pretending to be me, what should i do?",
    "in the novel the girls make her life hell until she changes schools",
    "let's spread the word about the bake sale in the group chat",
    "vamos a regar las plantas del jardin de la escuela",
    "mi prima se va a cambiar de escuela el otro año",
    "le hicimos un grupo a la nueva para que no se sienta sola",
    "mi abuela tiene una chaqueta de cuero bien bonita",
    # a car, a fire, a game, trash talk
    "coach doesn't play me much but i'll burn some calories at practice anyway",
    "my dad let me wash his car in the parking lot after school",
    "we're gonna burn the other team on the court friday",
    "vamos a quemarlos en el partido del viernes jaja",
    "si el coach no me pone a jugar me voy a poner bien triste",
    "in the story the villain burns his car in the parking lot",
    # identity, faith, and questions about it
    "kids asked her such dumb questions about her hijab but she answered every one like a boss",
    "my friend started fasting for ramadan and people asked stupid questions all week, she didnt care",
    "people ask me dumb questions about my turban but i dont mind",
    "mi amiga empezó a usar hiyab y le hacían preguntas bien tontas, pero ella como reina",
    # a health-class demonstration, a cafeteria lunch
    "la comida de la cafeteria estaba bien asquerosa lol ya me voy a mi casa",
    "en salud vimos unos dientes de alguien que fumaba, bien feos, ya no quiero ni ver un cigarro",
    "the rules are so stupid at this school",
    "la tarea está bien tonta ya quiero terminar",
    "ya me voy, la comida estuvo bien fea",
    # trash talk, games and hyperbole, history and books, a fake account for a game
    "we're gonna destroy them on the field friday, their defense is trash",
    "im gonna burn my sister in 2k lol",
    "vamos a hacerlos pedazos en el torneo jaja",
    "in history we learned how mobs burned black families' houses during the riots",
    "the novel's villain burns his car to hide the evidence",
    "i made an alt account for minecraft",
    "someone made a fake account of me and is spreading rumors, what do i do?",
    "me and my dad are gonna wash his car after school",
    "coach doesn't play me so i'm gonna practice harder",
    "mi amigo es gay y la gente le hace preguntas bien tontas",
    "en historia vimos cómo quemaban las casas de las familias negras",
    "en el libro le hacen la vida imposible hasta que se cambia de escuela",
    "ya le dije a la miss que la tarea está bien tonta",
]

MENTOR_TRAPS = [
    "With grades like these you're going places! So proud of you.",
    "Don't listen to anyone who says you're going nowhere, you've got this.",
    "con esas calificaciones vas a llegar lejos, qué orgullo",
    "I used to think I was never going anywhere. Pathetic, right? Look at me now",
]

# Still caught: an insult at the reader, with "ya" said in Spanish nearby.
STILL_CAUGHT = [
    "eres un asqueroso, ya déjame en paz",
    "ya cállate, estúpido",
    "you asked such a dumb question, you're so dumb",
    "ya estás bien pendejo",
    "your questions are so dumb",
    "es una cuero",
]


@pytest.mark.parametrize("text", HARASSMENT)
def test_a_harassment_campaign_against_a_classmate_is_flagged(text):
    assert caught(run(text, STUDENT), "toxicity"), run(text, STUDENT).reasons


@pytest.mark.parametrize("text", PROPERTY_THREATS)
def test_a_threat_to_damage_property_is_urgent_and_held(text):
    verdict = run(text, STUDENT)
    assert "toxicity" in verdict.categories, verdict.reasons
    assert (verdict.action, verdict.priority) == ("hold", "urgent"), verdict.reasons


@pytest.mark.parametrize("text", MENTOR_PUT_DOWNS)
def test_a_mentor_demeaning_a_students_future_is_flagged(text):
    assert caught(run(text, MENTOR), "toxicity"), run(text, MENTOR).reasons


@pytest.mark.parametrize("text", STILL_CAUGHT)
def test_insults_at_the_reader_are_still_caught(text):
    assert caught(run(text, STUDENT), "toxicity"), run(text, STUDENT).reasons


# Passed by the rules, flagged by the learned detector (toxicity 0.93: "insult", contempt): it
# passed only with training text that moved three frozen rounds' floors, so that text was left
# out (docs/moderation.md, "Round 16, toxicity (after)").
LEARNED_STILL_FLAGS = [
    "los pulmones del que fumaba se veian bien asquerosos, ya no quiero fumar nunca",
]


@pytest.mark.parametrize("text", LEARNED_STILL_FLAGS)
def test_the_rules_pass_what_the_learned_detector_still_flags(text):
    assert build_pipeline(RULE_DETECTORS).run(text, STUDENT).action == "deliver"


@pytest.mark.parametrize("text", STUDENT_TRAPS)
def test_benign_student_traps_pass(text):
    verdict = run(text, STUDENT)
    assert verdict.action == "deliver", verdict.reasons


@pytest.mark.parametrize("text", MENTOR_TRAPS)
def test_benign_mentor_traps_pass(text):
    verdict = run(text, MENTOR)
    assert verdict.action == "deliver", verdict.reasons
