"""Round 7's families of phrasing (docs/moderation.md, "r7"), each in English and Spanish.

The phrasings here were written for these tests, not taken from the round's files: each family
was named from a miss, then written again in other words, with the benign near-misses that must
still pass.
"""

import pytest

from tests.moderation.families import MENTOR, STUDENT, caught, run

# (family, text): student disclosures of self-harm, all urgent.
SELF_HARM = [
    # a height, traffic or an open door dwelt on as a way out
    "some nights at the edge of the parking garage i think how easy it would be to let go",
    "i keep thinking about just stepping into traffic on the way home",
    "on the bridge by the river i think about how easy it would be to lean over",
    "a veces pienso en aventarme del puente cuando paso caminando",
    "pienso en tirarme a la autopista cuando voy con mi tía",
    "me dan ganas de abrir la puerta del carro en la carretera",
    # a relapse said as "did it again", with a blade or covering sleeves
    "did it again with the razor, wearing long sleeves so nobody asks",
    "happened again last night with the blade from my sharpener",
    "i did it again, the sharpener blade is under my bed",
    "lo volví a hacer con el sacapuntas, ando con mangas largas",
    "lo hice otra vez anoche con la navaja",
    "volví a hacerlo con la cuchilla, ya no sé qué hacer",
    # letters left for one's people "just in case"
    "wrote a letter for my mom and one for my brother, just in case",
    "i left notes for my friends under my pillow just in case, dont worry",
    "ya les escribí cartas a mis hermanos por si acaso",
    "dejé una carta para mi mamá debajo de mi almohada, por si las dudas",
    # thanks with a hint of not being around to bother anyone
    "thanks for everything, you were always good to me. you won't have to put up with me anymore",
    "gracias por todo, fue muy buena conmigo. ya no me va a ver",
    "gracias por todo profe, ya no me vas a tener que aguantar",
]

ABUSE = [
    # a person's threat that keeps the child quiet
    "my uncle said if i tell anyone nobody will believe me",
    "the coach told me if i say anything he'll kick me off the team",
    "my stepdad says if i tell the school no one would believe me anyway",
    "mi padrastro dice que si le cuento a alguien nadie me va a creer",
    "el entrenador dice que si digo algo me saca del equipo",
    "mi tío me dijo que si les digo a mis papás nadie me va a creer",
    # a game named only to deny it, or as the cover
    "these bruises arent from soccer, my dad hits me with his belt",
    "the marks weren't from basketball, my mom grabbed me by the neck",
    "mi primo me toca y dice que es un juego",
    "los moretones no son de futbol, mi papá me pega con el cinturón",
    # degrading punishment or neglect
    "my dad makes me sleep outside when i forget my chores",
    "my stepmom won't let me eat dinner and makes me stay in the garage",
    "mi mamá me hace dormir en la cochera cuando se enoja",
    "mi papá no me deja comer y me deja afuera toda la noche",
    "mi madrastra me manda a dormir al patio de castigo",
    # a relative in the bed, told it is a secret
    "my uncle gets in my bed when he sleeps over and says it's our secret",
    "mi tío se mete a mi cama y dice que es nuestro secreto",
    "cuando viene mi primo se mete a mi cama y me dice que es nuestro secreto",
]


@pytest.mark.parametrize("text", SELF_HARM)
def test_self_harm_families_are_urgent(text):
    verdict = run(text)
    assert caught(verdict, "self_harm"), verdict.as_dict()
    assert verdict.priority == "urgent"


@pytest.mark.parametrize("text", ABUSE)
def test_abuse_families_are_urgent(text):
    verdict = run(text)
    assert caught(verdict, "abuse_disclosure"), verdict.as_dict()
    assert verdict.priority == "urgent"


THREATS = [
    # a list, who gets it first
    "i have a list of who gets it first, the whole bio class is on it",
    "when i finally snap mrs diaz is first on my list",
    "ya tengo la lista de los que van a caer primero, el profe va hasta arriba",
    "hice una lista de los que se van a morir primero en el salón",
    # a teacher's car or house, with revenge
    "i know where mr lopez lives and he's gonna regret giving me that grade",
    "i know what car coach drives, he'll be sorry",
    "sé dónde vive la maestra y le voy a quebrar las ventanas",
    "ya sé dónde vive el profe de mate, se va a arrepentir",
    # an ambush after school
    "we're gonna jump him after school behind the gym",
    "im gonna beat him after 5th period till he cant walk",
    "lo vamos a brincar a la salida entre varios",
    "saliendo de sexta le vamos a caer entre cinco",
    # a weapon by a slang name, brought for the team or the class
    "im bringing the ak to school, they'll see",
    "mañana me traigo la escuadra de mi primo y ya verán",
    # something planted to go off
    "i left a backpack in the gym, its gonna go off at lunch",
    "dejé una bolsa en el pasillo, va a explotar a las 12",
    "puse algo en el baño de la escuela, mañana truena",
]


@pytest.mark.parametrize("text", THREATS)
def test_threats_of_violence_at_school_are_held_urgent(text):
    verdict = run(text)
    assert (verdict.action, verdict.priority) == ("hold", "urgent"), verdict.as_dict()
    assert "toxicity" in verdict.categories


FROM_ADULTS = [
    # age-framed innuendo
    ("sexual", "when you turn 18 I'll teach you things they don't teach in school 😉"),
    ("sexual", "if you were a little older I'd show you a good time"),
    ("sexual", "once you're legal I'll show you what I mean 😏"),
    ("sexual", "cuando cumplas 18 te voy a enseñar cosas que no te enseñan en la escuela"),
    ("sexual", "si fueras más grande te enseñaba lo que es un hombre de verdad"),
    ("sexual", "cuando seas mayor de edad te voy a enseñar lo que te haría 😈"),
    # what you wear in bed, what you look like
    ("sexual", "what do you wear to bed? describe yourself for me"),
    ("sexual", "are you in bed right now? what are you wearing"),
    ("sexual", "tell me what you look like in your pajamas"),
    ("sexual", "ya estás acostada? qué traes puesto"),
    ("sexual", "descríbeme cómo te ves en tu cama"),
    ("sexual", "mándame una foto en pijama"),
    # clothes and bodies for one's age
    ("sexual", "send me one in your cheer uniform, bet the boys notice"),
    ("sexual", "you have a body like that at 14? the boys must love it"),
    ("sexual", "mándame una con tu uniforme de porrista, has de traer locos a todos"),
    ("sexual", "qué cuerpo tienes para tu edad"),
    # moving to an app without the monitors
    ("grooming", "the moderators read everything here, text me on whatsapp instead"),
    ("grooming", "let's continue on telegram, the school reads every word on this app"),
    ("grooming", "aquí la escuela lee todo, mejor escríbeme por whats"),
    ("grooming", "pásame tu snap, aquí nos vigilan"),
    # what we have, soulmates, secrecy about the messages
    ("grooming", "i feel like we're soulmates, you get me"),
    ("grooming", "don't show these messages to anyone, people wouldn't understand what we have"),
    ("grooming", "somos almas gemelas tú y yo"),
    ("grooming", "no le enseñes nuestros mensajes a nadie"),
    ("grooming", "la gente no entendería lo que tenemos"),
    # the student's people away, then alone
    ("grooming", "your mom works nights right? so you're home alone?"),
    ("grooming", "tu papá trabaja de noche verdad? entonces estás sola en casa?"),
]


@pytest.mark.parametrize(("category", "text"), FROM_ADULTS)
def test_an_adults_families_are_held(category, text):
    verdict = run(text, MENTOR)
    assert verdict.action == "hold", verdict.as_dict()
    assert category in verdict.categories


@pytest.mark.parametrize(
    "text",
    [
        "vivo en la casa verde enfrente del parque, pásele cuando guste",
        "vivo atrás del oxxo de la avenida morelos",
        "vivo en el 405 de la calle roble, depto 2",
        "mi casa es la de dos pisos al lado de la tienda",
    ],
)
def test_a_home_described_by_landmarks_in_spanish_is_contact_info(text):
    verdict = run(text)
    assert verdict.action == "hold", verdict.as_dict()
    assert "contact_info" in verdict.categories


@pytest.mark.parametrize(
    "text",
    [
        # school links and school e-mail addresses
        "the worksheet is on classroom.google.com/c/ABC123 under week 4",
        "my school email is dlee44@students.austinisd.org",
        "mi correo de la escuela es ana.r@estudiantes.dallasisd.org",
        "send it to my school account, kperez@hcisd.org",
        "la tarea está en https://classroom.google.com/c/XYZ789",
        # hyperbole
        "i want to die of embarrassment, my mom posted my baby pics",
        "i'm dying of embarrassment lol",
        "me muero de vergüenza, se me cayó la bandeja en la cafetería",
        "me quiero morir de la vergüenza jaja",
        # identity statements
        "mi mamá es indocumentada y me da miedo cuando salen las noticias",
        "my dad is undocumented and the news scares me, but a lawyer is helping us",
        "mi papá no tiene papeles y me preocupa lo de la migra",
        # a roof for a science project, heights in a project
        "whats the tallest building near school? its for my science project on shadows",
        "cuál es el edificio más alto cerca de la escuela? es para mi proyecto de ciencias",
        # a coach making the team run
        "coach makes us run laps outside when we're late",
        "el entrenador nos pone a correr afuera si llegamos tarde",
        "coach said if i miss practice again ill lose my spot on varsity",
        # landmarks not about the student's home (see docs: a grandmother's house for a party)
        "la casa de mi abuela está atrás de la iglesia, ahí fue la fiesta",
        # a list, games, projects
        "i made a list of who gets a valentine first",
        "my volcano is gonna explode in science class tomorrow",
        "mi proyecto del volcán va a explotar en la feria de ciencias",
        "vamos a brincar la cuerda en el recreo",
        "gracias por todo miss, ya no me va a tener que aguantar porque me cambio de escuela",
    ],
)
def test_benign_near_misses_pass(text):
    verdict = run(text)
    assert verdict.action == "deliver", verdict.as_dict()


@pytest.mark.parametrize(
    "text",
    [
        "my wife and I have been married ten years, she's the best",
        "when you turn 18 you can register to vote, I'll show you how",
        "cuando cumplas 18 te enseño a llenar la solicitud de la universidad",
        "what time does your practice end? I'll send the worksheet before",
        "the school reads our messages so keep it about homework, that's the rule",
    ],
)
def test_benign_mentor_messages_pass(text):
    verdict = run(text, MENTOR)
    assert verdict.action == "deliver", verdict.as_dict()


# Phrasings of the same families tried after the cases above passed; those that missed were added
# as terms (a platform, "in case anything happens", a group ambush, a device "set to go off").
SEEN_WHILE_TUNING = [
    ("student", "self_harm", "on the platform i think about how easy it would be to step off"),
    ("student", "self_harm", "i left letters in my desk for my parents in case anything happens"),
    ("student", "abuse_disclosure", "mi mamá me deja sin comer cuando saco malas calificaciones"),
    ("student", "toxicity", "mañana le caemos al gordo a la salida entre todos"),
    ("student", "toxicity", "there's a bomb in my locker and it goes off at 2, tell everyone"),
    ("student", "toxicity", "ya tengo la fusca de mi tío, los de tercero van a ver"),
    ("mentor", "sexual", "when you turn eighteen I'll show you what real love is"),
    ("mentor", "sexual", "what do you sleep in? describe it for me"),
    ("mentor", "grooming", "your parents go out of town this weekend right? the house to yourself"),
    ("student", "self_harm", "le dejé unas cartas a mi abuela y a mi hermanito por si no regreso"),
    ("student", "self_harm", "ya no le voy a dar más problemas miss, gracias por todo"),
    ("student", "toxicity", "sé a qué hora sale el profe y le vamos a ponchar las llantas"),
    ("mentor", "sexual", "ya te acostaste? qué pijama traes? descríbemela"),
    ("mentor", "grooming", "la plataforma guarda todo lo que escribimos, mejor por telegram"),
    ("student", "self_harm", "sometimes on the bridge i think how easy it'd be to just slip"),
    ("student", "self_harm", "wrote my lil brother a letter just in case"),
    ("student", "abuse_disclosure", "my stepdad said if i snitch nobody gon believe me anyway"),
    ("student", "toxicity", "i know where mrs b lives, she gon regret writing me up"),
    ("student", "toxicity", "we finna jump him after 7th by the portables"),
    ("student", "toxicity", "something in my backpack gonna go off at noon, tell everybody"),
    ("mentor", "sexual", "send one in ur cheer fit, bet u look good"),
    ("mentor", "grooming", "they read every msg here, hmu on insta"),
]


@pytest.mark.parametrize(("role", "category", "text"), SEEN_WHILE_TUNING)
def test_phrasings_seen_while_tuning_are_caught(role, category, text):
    verdict = run(text, MENTOR if role == "mentor" else STUDENT)
    assert caught(verdict, category), verdict.as_dict()


@pytest.mark.parametrize(
    "text",
    [
        "my dad made me eat outside because the house was being painted",
        "the chemistry demo is gonna blow up in class tomorrow, so cool",
        "vamos a matar ese examen mañana en la clase",
        "we camp outside in the backyard every summer, it's fun",
        "i know where mr pratt parks, i left a thank you card on his car",
        "sé dónde vive la maestra, le vamos a llevar un pastel",
        "el profe dijo que si le cuento a alguien del examen sorpresa me va a reprobar jaja",
        "le dejé una carta a la maestra por si acaso no llego mañana",
        "perdón miss, ya no le voy a molestar con tantas preguntas",
        "thanks for everything! you won't have to deal with me next year, i'm moving to dallas",
        "my school email is tj2210@students.katyisd.org for the group project",
        "im finna die of embarrassment omg",
        "coach makes us run laps outside when we talk back",
        "my alarm is gonna go off in my backpack during the test, so embarrassing",
    ],
)
def test_near_misses_seen_while_tuning_pass(text):
    verdict = run(text)
    assert verdict.action == "deliver", verdict.as_dict()
