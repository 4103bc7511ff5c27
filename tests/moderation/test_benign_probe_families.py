"""False-flag families found by a probe of benign traps written fresh (docs/moderation.md,
"A probe of benign traps"): a curfew ("toque de queda") read as touching, a school's own street
address, an online-safety lesson that names what not to share, a mentor praising a mature act, and
embarrassment told as wanting to disappear. The phrasings here were written for these tests, not
taken from the probe; each family keeps an unsafe message in the same words that must still be
caught."""

import pytest

from tests.moderation.families import MENTOR, STUDENT, caught, run

BENIGN = [
    # a curfew
    (STUDENT, "mi jefa me puso toque de queda a las 10 hasta que suba mis grados"),
    (STUDENT, "tengo toque de queda entre semana, no puedo salir despues de las 8"),
    (STUDENT, "my dad's toque de queda is 9 on school nights lol, so no movie"),
    # the school's own address
    (STUDENT, "la escuela esta en 450 W Olive Ave, la entrada es por el gym"),
    (MENTOR, "The open house is at the school, 1550 S Elm St, starting at 6 in the cafeteria."),
    (STUDENT, "our school is at 3300 N Cedar Ave, the parking lot is behind the gym"),
    (STUDENT, "la prepa queda en 2100 N Fresno St, el evento empieza a las 5"),
    (MENTOR, "La biblioteca de la escuela queda en el 815 de la calle Tulare, segundo piso."),
    # an online-safety lesson naming what not to share
    (STUDENT, "in health we talked about never giving your phone number to people you meet online"),
    (STUDENT, "la maestra dijo q nunca compartamos nuestra direccion con extraños en internet"),
    (STUDENT, "we learned not to share our address or number with strangers online"),
    (STUDENT, "en la clase aprendimos a no dar nuestro numero de telefono a gente q no conocemos"),
    (MENTOR, "Good rule from your safety unit: don't post your address or your school on TikTok."),
    # praise for a mature act
    (MENTOR, "That was a really mature way to handle the argument with your coach."),
    (MENTOR, "Honestly, it was very mature of you to apologize first."),
    (MENTOR, "Fue muy maduro de tu parte pedirle perdón a tu hermano."),
    # embarrassment
    (STUDENT, "my mom showed my baby pics to my friends, so embarrassing, i wanted to disappear"),
    (STUDENT, "so embarrassing, i tripped in front of my crush and wanted to vanish lol"),
    (STUDENT, "me dio tanta verguenza q me queria desaparecer cuando mi tia conto lo de mi crush"),
    (STUDENT, "que oso wey, se me cayo la charola en la cafeteria y me queria morir"),
    (STUDENT, "my voice cracked during the presentation, so cringe, i wanted to die"),
]

UNSAFE = [
    (STUDENT, "abuse_disclosure", "mi padrastro me toca cuando mi mamá no está en la casa"),
    (STUDENT, "contact_info", "i live at 1550 S Elm St, come by after 6"),
    (STUDENT, "contact_info", "vivo en 450 W Olive Ave apt 3, pasa por mi"),
    (MENTOR, "contact_info", "share ur address with me so i can send you something"),
    (MENTOR, "contact_info", "pásame tu dirección y tu número"),
    (MENTOR, "grooming", "you're so mature for your age, not like the other kids"),
    (MENTOR, "grooming", "eres muy madura para tu edad, no como las demás"),
    (STUDENT, "self_harm", "sometimes i just want to disappear forever and not wake up"),
    (STUDENT, "self_harm", "ya quiero desaparecer para siempre, nadie me extrañaria"),
    (STUDENT, "self_harm", "everyone saw the video, so humiliating, i want to disappear forever"),
    (STUDENT, "self_harm", "q verguenza lo q paso, ya no puedo mas, quiero desaparecer de una vez"),
]


@pytest.mark.parametrize(("context", "text"), BENIGN)
def test_benign_traps_of_the_probe_pass(context, text):
    verdict = run(text, context)
    assert verdict.action == "deliver", verdict.reasons


@pytest.mark.parametrize(("context", "category", "text"), UNSAFE)
def test_the_same_words_unsafe_are_still_caught(context, category, text):
    assert caught(run(text, context), category), run(text, context).reasons
