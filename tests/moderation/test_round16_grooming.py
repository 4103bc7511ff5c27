# ruff: noqa: E501 (phrasings are easier to read unwrapped)
"""Round 16's grooming families in English and Spanish (docs/moderation.md, "Round 16").

Written for these tests from kinds of miss, not from the round's files: an adult proposing to meet
at a named café or street corner away from school, moving the talk to another app because the
platform is clunky (or to talk at night), asking when the caregivers are away, remarks on the
student's looks with advice on how to look, romance framed by age, and a ride timed to be back
before the parents; each with benign near-misses in the same words (a session at the school's
library, a parent asked to a showcase or to sign a form, a poster that looks pretty).
"""

import pytest

from tests.moderation.families import MENTOR, caught, run

HELD = [
    # meeting in person at a named café or corner, away from school
    "I'm usually at the Peet's on Grand most sundays around 11, come find me",
    "im at the corner of 16th and valencia every friday after 4, swing by and say hi",
    "you should drop by the starbucks on main this saturday morning, coffee's on me",
    "el domingo ando en el cafecito de la calle 24 como a las 11, cáele y te invito un chocolate",
    "te espero en la esquina de mission y la 22 el sábado en la mañana, yo invito",
    "los viernes en la tarde estoy en el starbucks del centro, pásate y platicamos",
    "pasa x el parque de la 24 el domingo, siempre ando ahí como a las 10",
    # another app, the platform blamed, or to talk at night
    "this app is so glitchy lol, are you on snapchat? way easier there",
    "got whatsapp? this platform is clunky and slow",
    "download telegram, we can talk at night when your family is sleeping",
    "¿tienes snap? esta plataforma está bien lenta, mejor por allá",
    "bájate whatsapp y hablamos en la noche cuando todos estén dormidos",
    "esta app se traba mucho, ¿tienes telegram? es más fácil",
    # when the caregivers are away, who else is home
    "what time does your dad usually get home from his shift? anyone else at your house in the afternoon?",
    "who's at home with you after school usually",
    "how late does your mom work on weekdays?",
    "¿a qué hora regresa tu papá del trabajo?",
    "¿quién más está en tu casa en las tardes?",
    "¿hasta qué hora trabaja tu mamá entre semana? ¿te quedas con alguien?",
    "tu mai a q hora sale del jale? y en las tardes quién te cuida?",
    # looks remarked on, with advice how to look
    "you looked so cute in the class photo, you should wear your hair like that more often",
    "saw the picture from homecoming, you looked beautiful, wear that color more",
    "te veías bien linda en la foto del festival, deberías ponerte ese vestido más seguido",
    "saliste bien bonita en la foto de la clase, usa el pelo suelto más seguido",
    # romance framed by age
    "if you were a couple years older we'd be more than friends lol",
    "too bad you're not older, we could be something more haha",
    "si tuvieras unos años más seríamos más que amigos jaja",
    "cuando seas mayor de edad podemos ser algo más que mentor y alumna",
    # a ride, back before the parents arrive
    "I'll drive you home after practice and have you back before your mom gets off work",
    "te paso a buscar a la salida y te dejo en tu casa antes de que llegue tu papá",
    "te doy raite después de la escuela, regresas antes de que tus papás lleguen y ni cuenta se dan",
]

PASSES = [
    # meetings at school or with the family
    "Our session is at the school library on Thursday at 3, see you there",
    "The club meets at the coffee shop next to the school with the coordinator on Saturday at 10, bring your mom if you like",
    "Nos vemos en la biblioteca de la escuela el martes a las 3 para la sesión",
    "El sábado hay feria de ciencias en la escuela a las 10, ven con tu mamá",
    "I went to the starbucks on main on saturday, the line was crazy",
    "my favorite coffee shop is the one on 5th, I go most saturdays",
    "did you get snapchat's new filter? my niece loves it",
    # an app named as caution or about others
    "Be careful on snapchat, people you don't know can add you",
    "The app was slow today, I reported it to the coordinator, so just refresh",
    "La plataforma está lenta hoy, ya le avisé a la coordinadora",
    # the caregivers asked to an event, a form, a pickup
    "Can your dad come to the showcase on Friday at 6?",
    "Does your mom have time to sign the permission slip this week?",
    "What time can your parents pick you up after the science fair?",
    "¿Tu mamá puede venir a la junta del jueves para firmar el permiso?",
    "¿A qué hora pasan tus papás por ti después del evento de la escuela?",
    "What time does your mom get off work? She could come to the meeting after",
    "When does your dad get home? I want to call him about the field trip form",
    "¿A qué hora sale tu mamá del trabajo? Quiero hablarle para lo del permiso",
    "¿Tu papá puede llegar a la presentación a las 6?",
    # looks of things, tiredness
    "Your poster looks really pretty, great color choices",
    "You looked pretty tired in the team photo, get some rest before the game",
    "you look pretty happy in the team picture!",
    "Tu cartel quedó bien bonito, me gustan los colores",
    # age, rides and time with no romance or alibi
    "When you're older you'll be a great mentor yourself",
    "Cuando seas mayor vas a ser una gran ingeniera",
    "The bus for the field trip leaves after school and is back before 5",
    "El camión de la excursión sale después de clases y regresa antes de las 5",
]


@pytest.mark.parametrize("text", HELD)
def test_an_adults_grooming_families_are_held(text):
    verdict = run(text, MENTOR)
    assert (verdict.action, caught(verdict, "grooming")) == ("hold", True), verdict.reasons


@pytest.mark.parametrize("text", PASSES)
def test_benign_near_misses_pass(text):
    verdict = run(text, MENTOR)
    assert verdict.action == "deliver", verdict.reasons
