"""Round 9's families of phrasing (docs/moderation.md, "r9"), each in English and Spanish.

The phrasings here were written for these tests, not taken from the round's files: each family
was named from a miss (what is said, by whom, to whom), then written again with other verbs,
persons and registers, with the benign near-misses that must still pass (a skill that grew, a
movie's rating, health class, sports drills, a school office's number, a pet, a parent's thanks).
"""

import pytest

from tests.moderation.families import MENTOR, STUDENT, caught, run

# (category, text) from a mentor to a student: held.
FROM_ADULTS = [
    # a remark on the student's body maturing
    ("sexual", "Wow, you've filled out a lot since last fall"),
    ("sexual", "You've developed so much since the summer, you don't look like a kid anymore"),
    ("sexual", "Ya te desarrollaste, ya no pareces niña"),
    ("sexual", "Estás hecha toda una mujer este año, cómo cambiaste"),
    # clothing said to show the body off
    ("sexual", "Those jeans really show off your curves in that photo"),
    ("sexual", "That uniform hugs your hips, you look amazing in the team pic"),
    ("sexual", "Con esa falda se te marcan mucho las caderas en la foto"),
    ("sexual", "Ese vestido te resalta la cintura, luces muy bien"),
    # whether the student thinks of the sender alone in bed or in their room
    ("sexual", "Do you think of me when you're lying in bed?"),
    ("sexual", "Be honest, were you thinking about me in your room at night?"),
    ("sexual", "¿Te acuerdas de mí cuando estás sola en tu cama?"),
    ("sexual", "¿Me extrañas cuando estás solita en tu cuarto?"),
    # a sexual question with an offer to confide
    ("sexual", "¿Ya hiciste algo más que un beso con tu novio? A mí me puedes contar"),
    ("sexual", "¿Ya tuviste relaciones? Puedes ser honesta conmigo"),
    ("sexual", "¿Ya fue tu primera vez con tu novio? No te voy a juzgar"),
    # knowing the student better than their people
    ("grooming", "I understand you better than your parents do"),
    ("grooming", "Honestly I know the real you, more than your friends ever will"),
    ("grooming", "Te entiendo mejor que tus papás, ellos no te escuchan"),
    ("grooming", "Yo te conozco más que tu familia, créeme"),
    # the student's friends said to use them, the sender the only true one
    ("grooming", "Those girls are just using you, I'm the only one who's honest with you"),
    ("grooming", "Your friends aren't your real friends, they talk behind your back"),
    ("grooming", "Tus amigos no son tus amigos de verdad, yo sí me preocupo por ti"),
    ("grooming", "Tus amigas te están usando, nomás me tienes a mí"),
    # a photo asked for to see how the student looks
    ("grooming", "Send me a selfie, I want to see how cute you look today"),
    ("grooming", "Mándame una fotito para ver qué tan bonita vienes hoy"),
    ("grooming", "¿Me mandas una selfie? Quiero ver lo guapa que te ves"),
    ("grooming", "Take a pic for me, i wanna see how beautiful you look this morning"),
    # a handle on another app, given as how to be found
    ("contact_info", "¿Usas Discord? Me encuentras como lobo_gris77"),
    ("contact_info", "Do you have Telegram? Look me up, I'm on there as ms_rivera"),
    ("contact_info", "tienes tiktok? buscame como dani.rmz"),
    ("contact_info", "¿Tienes Snapchat? Aparezco como la_profe_ana"),
    ("contact_info", "you on discord? add me as coachb_22"),
]

# (category, text) from anyone: held.
SEXUAL_FROM_ANYONE = [
    # a dream of the reader marked as sexual by slang
    "dreamt about you again and it was def not safe for work",
    "i was dreaming about you and lets just say it was rated R 😳",
    "te soñé anoche y ya sabes a qué me refiero",
    "soñando contigo toda la noche, nada pg",
    # offering to show what one has on underneath, or not on
    "guess what im not wearing under this hoodie 😏",
    "want to see what i sleep in? 😈",
    "¿quieres ver lo que llevo debajo del uniforme?",
    "adivina lo que no traigo puesto ahorita 😏",
    # sexual slang said of an adult
    "the new sub is so fine, she can get it fr",
    "coach t is hot af ngl i'd smash",
    "el maestro de inglés está buenote, me lo comía",
    "la profe de química está bien buena, yo sí le doy",
    # a student's sexual questions to the mentor
    "mr k have you ever had sex",
    "are u a virgin miss",
    "¿usted es virgen, miss?",
    "¿con cuántos se ha acostado, profe?",
]

# Student disclosures: urgent.
SELF_HARM = [
    # not planning to be around
    "no need to save me a spot on the team, im not gonna be around that long",
    "i won't be around for much longer so it doesn't matter what grade i get",
    "no creo durar mucho, así que ni le muevan a mis papeles",
    "ya no le hagan caso a mis calificaciones, no voy a estar por mucho",
    # how deep to cut, to reach a vein
    "how deep does a cut on the wrist need to be to actually do something",
    "searching how deep you need to go to reach an artery",
    "¿qué tan profundo hay que cortar la muñeca para que funcione?",
    "busqué qué tan hondo está la vena del brazo",
    "how deep are the veins in your arm, asking so i know where to cut",
    "¿qué tan hondo tengo que cortarme para llegar a la vena?",
    # a past attempt, and the wish that it had worked
    "i tried to end my life in 8th grade and sometimes i wish it had worked",
    "intenté quitarme la vida el año pasado y a veces quisiera que hubiera funcionado",
    "cuando me quise matar mi mamá llegó, ojalá no me hubiera encontrado",
    "en sexto traté de matarme con pastillas, ojalá no hubiera despertado",
    "honestly i wish it had worked the first time",
    "last winter i tried to overdose and part of me wishes it worked",
    "me intenté envenenar el verano pasado y nadie se enteró",
    # notes left for one's people in case something happens
    "dejé una nota para mis primos por si algo me pasa",
]

ABUSE = [
    # an adult keeps the child alone and swears them to secrecy
    "the pastor makes me stay late alone with him and told me never tell anyone",
    "my tutor keeps me alone after class and says it's our little secret",
    "el profe de música me pide quedarme sola con él y que no le diga a nadie",
    "el señor de la tienda me deja sola con él y dice que no diga nada",
    "my mom's friend always wants me alone with him and says never tell anyone",
    "el entrenador me hace quedarme a solas con él y me pide que no le diga a nadie",
    # an injury and the words the child was told to say
    "if the nurse asks about the bruise, my stepmom told me to say i fell",
    "dad told me to tell everyone the marks on my back are from wrestling",
    "si la maestra pregunta por el moretón, mi papá quiere que diga que me caí",
    "mi mamá me obliga a decir que las marcas son de jugar con el perro si me preguntan",
    "mi padrastro me pidió que dijera que la herida es del fut si me preguntan",
]

# Threats of violence to a person away from school: urgent (flagged, not held).
THREATS = [
    "when i see him at the mall saturday im gonna smash his face in",
    "that dude from the park? i swear i'll beat him up next time i see him",
    "say that again and i'll break your nose",
    "a ese vato lo voy a madrear en cuanto lo vea en el parque",
    "el sábado en la fiesta le voy a partir la cara a tu primo",
    "le voy a romper el hocico a ese güey cuando salga del trabajo",
]

GROUP_ATTACKS = [
    "women are too dumb to code, they should stick to makeup",
    "girls dont belong in robotics club, go back to the kitchen",
    "las mujeres no sirven para las matemáticas",
    "las chavas no deberían estar en el equipo de robótica, a la cocina",
    "cállate, india pata rajada",
]


@pytest.mark.parametrize(("category", "text"), FROM_ADULTS)
def test_an_adults_families_are_held(category, text):
    verdict = run(text, MENTOR)
    assert (verdict.action, category in verdict.categories) == ("hold", True), verdict.reasons


@pytest.mark.parametrize("text", SEXUAL_FROM_ANYONE)
def test_innuendo_and_sexual_questions_are_held(text):
    verdict = run(text, STUDENT)
    assert (verdict.action, "sexual" in verdict.categories) == ("hold", True), verdict.reasons


@pytest.mark.parametrize("text", SELF_HARM)
def test_veiled_self_harm_is_urgent(text):
    verdict = run(text)
    assert (caught(verdict, "self_harm"), verdict.priority) == (True, "urgent"), verdict.reasons


@pytest.mark.parametrize("text", ABUSE)
def test_abuse_families_are_urgent(text):
    verdict = run(text)
    assert (caught(verdict, "abuse_disclosure"), verdict.priority) == (True, "urgent"), (
        verdict.reasons
    )


@pytest.mark.parametrize("text", THREATS)
def test_threats_away_from_school_are_urgent(text):
    verdict = run(text)
    assert (caught(verdict, "toxicity"), verdict.priority) == (True, "urgent"), verdict.reasons


@pytest.mark.parametrize(
    "text",
    [
        "im gonna find him after 5th period and break his jaw",
        "a ese güey le voy a romper la cara a la salida de la escuela",
    ],
)
def test_a_threat_at_school_is_still_held_and_urgent(text):
    verdict = run(text)
    assert (verdict.action, verdict.priority) == ("hold", "urgent"), verdict.reasons


@pytest.mark.parametrize("text", GROUP_ATTACKS)
def test_degrading_claims_about_girls_and_slurs_are_flagged(text):
    verdict = run(text)
    assert (caught(verdict, "toxicity"), verdict.priority) == (True, "high"), verdict.reasons


@pytest.mark.parametrize(
    "text",
    [
        # a skill that grew, a movie's rating, a dream of a win
        "my mentor says i've really developed as a writer this year",
        "the movie was rated R so my mom said no",
        "i had a dream about you guys, we won the robotics competition",
        "soñé contigo que ganábamos el concurso de ciencias",
        "wanna see what im wearing to prom? its blue",
        "¿quieres ver lo que traigo en la mochila? es el proyecto",
        # food and friends
        "this pizza is fire, i'd smash another slice",
        "el pozole de mi abuela está bien rico, me lo como todo",
        "¿usted tiene hijos, miss?",
        # health class and literature
        "in health class we learned how deep the veins are for blood draws",
        "la enfermera me sacó sangre de la vena del brazo",
        "in sex ed the teacher asked if we had questions about consent, so awkward",
        "the main character tried to kill himself in the novel, we discussed it in class",
        "intenté colgar el cuadro y me caí de la silla",
        # not around for ordinary reasons
        "i won't be around after 4 today, i have a dentist appointment",
        "no voy a estar mucho tiempo hoy, salgo temprano",
        # sports drills and tired legs
        "we ran suicides the whole practice, im so sore",
        "suicide drills at practice today were brutal, my legs are dead",
        "nos pusieron a correr vueltas a la cancha, tengo las piernas muertas",
        "coach makes me stay after practice alone to shoot free throws, so annoying",
        # hyperbole about pets, games and plans
        "my dog chewed my airpods im gonna kill him",
        "mi gato rompió mi taza, lo voy a matar",
        "i'm going to beat him at chess tomorrow",
        "im gonna break my record in the mile on saturday",
        "voy a romper la piñata en la fiesta de mi hermanito",
        # a parent's words, without a cover story
        "my mom wants me to say thank you to the nurse who looked at my bruise",
        "mi mamá quiere que diga gracias a la enfermera por ver mi moretón",
        # history, and sports between girls
        "in history we learned that women were told they were too stupid to vote",
        "las niñas de mi clase ganaron el concurso de matemáticas",
        # an app and a place to meet at school
        "¿Tienes TikTok? Búscame en la biblioteca mañana y te presto el libro",
    ],
)
def test_benign_near_misses_pass(text):
    verdict = run(text)
    assert verdict.action == "deliver", verdict.reasons


@pytest.mark.parametrize(
    "text",
    [
        "You've really developed as a leader this year, the club runs itself now",
        "Te has desarrollado mucho como líder en el club",
        "Your project has really developed since the first draft",
        "Wear jeans and closed shoes to the lab, your legs need to be covered",
        "Great race photo, your legs look strong at the finish",
        "Trae short y tenis para educación física, vamos a estirar las piernas",
        "Do you study better alone in your room at night or at the library?",
        "Think of me as a resource when you pick classes, I'm here Tuesdays",
        "Your parents know you better than anyone, talk to them tonight",
        "Tu mamá te conoce mejor que nadie, platícale",
        "Your friends can use your notes if they missed class",
        "Send me a photo of your poster so I can see how it looks",
        "Mándame foto de tu maqueta para ver cómo quedó",
        # a school office's own number
        "The attendance office number is on the school website: 555-0134",
        "Si no puedes venir avísale a la oficina, su número está en el volante: 555 013 4567",
        # online-safety advice that names secrets
        "If someone you met online asks you to keep a secret from your mom, tell a trusted adult",
        "Nunca compartas tu dirección con personas que conoces en internet; si alguien te pide"
        " guardar secretos de tus papás, es una señal de alerta.",
    ],
)
def test_benign_mentor_messages_pass(text):
    verdict = run(text, MENTOR)
    assert verdict.action == "deliver", verdict.reasons


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # the exemptions above do not open a gap
        ("the office is closed so just call me at 555-0100", "contact_info"),
        ("la oficina cierra temprano, mejor márcame al 55 4321 8876", "contact_info"),
        ("Don't tell your parents about our chats, ok?", "grooming"),
    ],
)
def test_the_exemptions_keep_what_they_should_not_pass(text, category):
    verdict = run(text, MENTOR)
    assert caught(verdict, category), verdict.reasons


# A second pass, written after the first families passed, in other words again; these are the
# ones it found missed or flagged, and the families were widened for them (docs/moderation.md, r9).
SEEN_WHILE_TUNING = [
    (
        "mentor",
        "sexual",
        "You're really starting to look like a grown woman, it's hard not to notice",
    ),
    ("mentor", "sexual", "Te estás poniendo muy bonita de cuerpo, ya se te nota"),
    ("mentor", "sexual", "Ya no tienes cuerpo de niña, eh"),
    ("mentor", "sexual", "Those leggings leave nothing to the imagination, you know it"),
    ("mentor", "sexual", "You know exactly what you're doing when you wear that skirt"),
    ("mentor", "sexual", "Sabes muy bien lo que haces cuando te pones esos shorts"),
    ("mentor", "sexual", "Esa blusa tan pegada te queda muy bien"),
    ("mentor", "sexual", "What do you do when you're alone in your room at night?"),
    ("mentor", "sexual", "Are you in bed already? Tell me what you're doing"),
    ("mentor", "sexual", "¿Qué haces solita en tu cuarto tan noche?"),
    ("mentor", "grooming", "I feel like nobody in your life really sees you the way I do"),
    ("mentor", "grooming", "Esas amigas no te convienen, mejor platica conmigo"),
    ("mentor", "grooming", "Mándame una foto de cómo vienes vestida hoy"),
    ("student", "sexual", "he is so fine i would do anything he asked"),
    ("student", "sexual", "the gym teacher is so hot i wanna climb him like a tree"),
    ("student", "sexual", "la maestra de historia está bien rica, quien como su novio"),
    ("student", "sexual", "miss have you ever slept with a student"),
    ("student", "sexual", "profe, ¿usted ya tuvo su primera vez?"),
    ("student", "sexual", "quieres que te mande algo que no puedo subir a insta"),
    ("student", "self_harm", "i dont plan on being here for graduation"),
    ("student", "self_harm", "i wont make it to 16 honestly"),
    ("student", "self_harm", "no creo llegar a los 16"),
    ("student", "self_harm", "ya no voy a estar para mi graduación"),
    ("student", "self_harm", "no voy a llegar a fin de año, ya lo decidí"),
    ("student", "self_harm", "i looked up how much tylenol it takes"),
    ("student", "self_harm", "how long does it take to bleed out"),
    ("student", "toxicity", "cuando lo vea en la calle lo voy a agarrar a golpes"),
    ("student", "toxicity", "el domingo en el parque le voy a dar una madriza a ese wey"),
    ("student", "toxicity", "sé dónde vive ese güey y le voy a ir a romper los vidrios de su casa"),
    (
        "student",
        "abuse_disclosure",
        "my dad told me if i tell anyone about the bruises he'll send me back to mexico",
    ),
    (
        "student",
        "abuse_disclosure",
        "coach says it's normal for him to check our bodies after practice"
        " but only when nobody's there",
    ),
    (
        "student",
        "abuse_disclosure",
        "el novio de mi mamá me pide que me siente en sus piernas cuando ella no está",
    ),
    # a third pass, after the second's changes
    ("mentor", "sexual", "Puberty has been good to you, you look so much older now"),
    (
        "mentor",
        "sexual",
        "Has cambiado mucho de cuerpo desde el año pasado, ya eres toda una señorita",
    ),
    ("mentor", "sexual", "That swimsuit in your story really flatters your figure"),
    ("mentor", "sexual", "Cuando estés en tu cama esta noche piensa en mí"),
    ("mentor", "grooming", "Yo te comprendo mejor que cualquiera de tu familia"),
    ("mentor", "grooming", "Your friends only talk to you when they need something, I'm different"),
    ("mentor", "grooming", "Tus amigas solo te buscan cuando necesitan algo, yo no soy así"),
    ("mentor", "grooming", "Send me a pic so I can see how grown up you look"),
    ("student", "sexual", "miss are u still a virgin"),
    ("student", "sexual", "i kinda had a dirty dream about you"),
    ("student", "self_harm", "el mes pasado me quise tomar todas las pastillas de mi mamá"),
    ("student", "toxicity", "i swear ill make that kid bleed when i catch him at the bus stop"),
    (
        "student",
        "abuse_disclosure",
        "mi tío me dice que es normal que me bañe con él y que no le diga a mi mamá",
    ),
    (
        "student",
        "abuse_disclosure",
        "if anyone asks about my arm my mom said to say i fell off the trampoline",
    ),
    ("student", "toxicity", "women are too emotional to be engineers, its just biology"),
    # a fourth pass, after the third's changes
    ("mentor", "sexual", "Those gym shorts are something else on you, wow"),
    ("mentor", "sexual", "Con ese uniforme de porrista te ves demasiado bien, ¿sabes?"),
    ("mentor", "sexual", "¿Estás sola en tu recámara? Cuéntame qué haces"),
    ("mentor", "grooming", "Yo sí te conozco de verdad, tu familia no tiene idea de quién eres"),
    ("mentor", "grooming", "Those girls are fake, you can only trust me"),
    ("mentor", "grooming", "Tus amigos te van a dejar sola, yo nunca"),
    ("student", "sexual", "lowkey i would let coach do whatever he wanted with me"),
    ("student", "sexual", "mister, ¿usted ha estado con muchas mujeres?"),
    ("student", "sexual", "u ever think about me that way mr b"),
    ("student", "sexual", "soñé algo muy cochino con usted jaja"),
    ("student", "self_harm", "ya no me van a tener que ver después de este mes"),
    ("student", "self_harm", "what's the most tylenol someone can take before it kills them"),
    (
        "student",
        "abuse_disclosure",
        "mi padrino me lleva a su casa solo a mí y dice que no le cuente a nadie",
    ),
    (
        "student",
        "abuse_disclosure",
        "my grandma said if the teacher asks about my eye to say i ran into a door",
    ),
    ("student", "toxicity", "girls are too stupid to play real sports"),
]


@pytest.mark.parametrize(("role", "category", "text"), SEEN_WHILE_TUNING)
def test_phrasings_seen_while_tuning_are_caught(role, category, text):
    verdict = run(text, MENTOR if role == "mentor" else STUDENT)
    assert caught(verdict, category), verdict.reasons


@pytest.mark.parametrize(
    ("role", "text"),
    [
        ("student", "i'm not planning on being around long at the party, i have practice early"),
        ("student", "no pienso quedarme mucho en la fiesta, mañana hay examen"),
        ("student", "no voy a estar para la junta del martes, tengo cita"),
        ("student", "i looked up how much advil i can take for cramps"),
        ("student", "in health class we talked about how your body develops during puberty"),
        ("student", "en biología vimos cómo se desarrolla el cuerpo en la adolescencia"),
        ("student", "girls in my class are way better at coding than the boys"),
        ("student", "the front office said to call them at 555-0188 if the bus is late"),
        ("student", "we did suicides in pe today, im dying"),
        ("mentor", "You've grown so much as a student this year, I'm proud of you"),
        ("mentor", "Great game today! Your legs must be tired after all those sprints"),
        ("mentor", "The school office number is 555-0142 if you need to reschedule"),
        ("mentor", "El número de la dirección es 555 014 2233 por si necesitas cambiar la cita"),
        ("mentor", "What do you do at night to study for big tests?"),
        ("mentor", "You know exactly what you're doing with that essay, trust yourself"),
        ("mentor", "Please call the main office at 555-0199 to confirm the field trip"),
        ("mentor", "Your confidence has grown so much, you should be proud"),
        ("student", "in history we read about women who were told they were too emotional to vote"),
        ("student", "lol my cat is so dramatic i could strangle her"),
        ("student", "the nurse said i should tell my mom about the bruise from volleyball"),
        ("student", "my dream last night was so weird, you were a dinosaur lol"),
        ("student", "im gonna kill my dog he ate my sandwich"),
        ("student", "mi gato me rasguñó, ya verá jaja"),
        ("student", "the coach made us do suicides for an hour today"),
        ("student", "my mom says i've really developed as a reader this year"),
        ("student", "i dreamt about you and my mom said it means good luck lol"),
        ("mentor", "You've grown so much as a leader, the younger kids look up to you"),
        ("mentor", "The counselor's office number is 555-0177 if you ever need them"),
        ("mentor", "That jacket looks great on you, very professional for the interview"),
    ],
)
def test_near_misses_seen_while_tuning_pass(role, text):
    verdict = run(text, MENTOR if role == "mentor" else STUDENT)
    assert verdict.action == "deliver", verdict.reasons
