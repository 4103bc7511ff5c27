# ruff: noqa: E501 (phrasings are easier to read and review unwrapped)
"""Round 18's toxicity family, English and Spanish (docs/moderation.md, "Round 18").

Written for these tests from a kind of miss, not taken from the round's files: a group named by
an identity word with a head noun ("the Muslim kids", "los chavos negros") or a place ("the
Mexicans on my bus", "las lesbianas de mi clase"), then called a degrading name or told to be
excluded ("they should kick out all of them", "deberían correrlos a todos"). Benign traps in the
same words: history and literature, a stereotype reported or refuted, identity words said kindly,
a negated claim, a group that is no identity ("the kids on my bus are so annoying").
"""

import pytest

from moderation.pipeline import build_pipeline
from tests.moderation.families import RULE_DETECTORS, STUDENT, caught, run

DEGRADED_GROUPS = [
    # English
    "the muslim kids in my class are terrorists",
    "the mexican guys on my bus r animals fr",
    "all the black girls at this school are so dirty",
    "those gay boys in 3rd period are disgusting",
    "the immigrant families in my neighborhood are all criminals",
    "the sped kids on my bus are literally animals",
    "the lesbians on my team are nasty",
    "the musl1m kids in my grade are terr0rists",
    # Spanish and Spanglish
    "los niños musulmanes de mi salón son terroristas",
    "las lesbianas de mi clase son unas cochinas",
    "los chavos negros de mi escuela son unos animales",
    "las niñas judías de mi grupo son unas asquerosas",
    "los morros trans del camion son unos fenomenos",
    "los chavos musulmanes de mi salon son bien terroristas",
    "los kids mexicanos de mi class son unos animales",
    "las chavas salvadoreñas de mi salón son unas ratas",
    "los niños gays de mi escuela dan asco",
    # Ruin (missed by a probe after the family passed) and jobs taken, added to the terms after
    "the hispanic families in our neighborhood are ruining everything",
    "los inmigrantes de mi colonia nos quitan el trabajo",
]

EXCLUDED_GROUPS = [
    # English
    "the trans kids at our school are weird, they should kick out all of them",
    "the jewish kids in my grade? they should ban all of them",
    "the refugee families on my street, deport all of them honestly",
    "those muslim girls at this school, kick them all out",
    # Spanish and Spanglish
    "los morros trans del camión, deberían correrlos a todos",
    "los niños inmigrantes de mi escuela, hay que sacarlos a todos de la escuela",
    "las chavas lesbianas de mi salón, que las corran a todas",
    "los kids musulmanes de mi escuela, they should kick out all of them",
]

BENIGN = [
    # English: history and literature, reported or refuted speech, kind words, negation,
    # a group that is no identity
    "the Nazis called Jews vermin in the propaganda we read",
    "people say Mexicans are criminals but that's racist and not true",
    "the Muslim kids in my class are fasting for Ramadan",
    "the kids on my bus are so annoying",
    "the deaf kids in my class are teaching us sign language",
    "the gay kids at my school are not disgusting, they're my friends",
    "the muslim kids in my class got called terrorists by some 8th graders",
    "the phones in my class are so distracting, they should ban all of them",
    # Spanish
    "los niños trans de mi escuela son bien valientes",
    "en la clase de historia leímos que los nazis decían que los judíos eran ratas",
    "la gente dice que los mexicanos son criminales pero eso es racista y no es cierto",
    "los chavos del camión son bien molestos",
    "las niñas musulmanas de mi salón están haciendo el ayuno de ramadán",
    "unos morros dijeron que los niños negros de mi salón son unos animales y me dio mucho coraje",
    "los niños sordos de mi clase nos enseñan lengua de señas",
    "los niños inmigrantes de mi escuela no son delincuentes, son mis amigos",
    "los celulares en el salón distraen mucho, deberían quitarlos a todos",
]


@pytest.mark.parametrize("text", DEGRADED_GROUPS)
def test_an_identity_group_called_a_degrading_name_is_flagged(text):
    verdict = run(text, STUDENT)
    assert caught(verdict, "toxicity"), verdict.reasons


@pytest.mark.parametrize("text", EXCLUDED_GROUPS)
def test_an_identity_group_told_to_be_excluded_is_flagged(text):
    verdict = run(text, STUDENT)
    assert caught(verdict, "toxicity"), verdict.reasons


@pytest.mark.parametrize("text", BENIGN)
def test_history_reports_kind_words_and_ordinary_groups_pass(text):
    verdict = run(text, STUDENT)
    assert verdict.action == "deliver", verdict.reasons


# Passed by the rules, flagged by the learned detector as an abuse disclosure (0.93: "cover_story",
# "abuser_adult", "say": someone said, a teacher told); the model is not retrained this round.
LEARNED_STILL_FLAGS = [
    "some kids said the black girls at my school are dirty and it made me so mad, i told the teacher",
]


@pytest.mark.parametrize("text", LEARNED_STILL_FLAGS)
def test_the_rules_pass_a_report_the_learned_detector_still_flags(text):
    assert build_pipeline(RULE_DETECTORS).run(text, STUDENT).action == "deliver"
