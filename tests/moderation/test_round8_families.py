"""Round 8's families of phrasing (docs/moderation.md, "r8"), each in English and Spanish.

The phrasings here were written for these tests, not taken from the round's files: each family
was named from a miss of the round's tuning halves, then written again in other words (other
verbs, persons and registers), with the benign near-misses that must still pass.
"""

import pytest

from tests.moderation.families import MENTOR, STUDENT, caught, run

SELF_HARM = [
    # a sharp means used again, on a part of the body kept hidden
    "went back to the razor last night, on my stomach where nobody looks",
    "used the sharpener blade on my arms again",
    "otra vez agarré la navaja, ahora en los muslos para que nadie vea",
    "volví a usar el sacapuntas en mis brazos",
    # how high a place is, asked as a way out
    "how high is the overpass by the mall? like would you survive it",
    "how many stories would it take from the roof of my building",
    "qué tan alto está el puente de la 10? cuántos pisos se necesitan para no sobrevivir",
    "cuántos pisos tiene el edificio de mi tía, como para no sobrevivir la caída",
    # at a height now, looking down
    "sitting on the edge of the roof at my apartment looking down, it's really high",
    "im on the overpass staring down at the cars, its so far down",
    "estoy en el puente mirando para abajo, está muy alto",
    "ando en el techo de la escuela viendo pa abajo, bien alto",
    # everything ready, and a goodbye
    "i have everything ready for tonight, just wanted to say goodbye to the one who was nice to me",
    "it's all planned for saturday. wanted to say bye to you first",
    "ya lo tengo todo planeado para el sábado, solo quería decirle adiós a alguien",
    "ya está todo listo, nomás me quería despedir de usted miss",
    # looking up a method so it won't hurt; hanging
    "i looked up how to do it so i wont feel anything, theres a beam in the basement",
    "been googling how to do it without pain",
    "busqué cómo hacerlo sin dolor, ya tengo la soga",
    "vi videos de cómo colgarme, hay un gancho en mi cuarto",
    "a veces pienso en ahorcarme con el cinturón",
]

ABUSE = [
    # held under water, pinned down
    "my mom pushed my head under the water in the sink because i lied",
    "my uncle pins me down and sits on me until i cant breathe",
    "mi padrastro me metió la cabeza en la tina porque le contesté",
    "mi papá me hundió la cabeza en el agua para que aprendiera",
    # hiding from a caregiver who drinks
    "when my dad gets drunk i lock myself in the bathroom till morning",
    "whenever my aunt is drinking me and my sister hide under the bed",
    "cuando mi papá toma me encierro en mi cuarto hasta que se duerme",
    "si el novio de mi mamá llega borracho me escondo en el clóset",
    # left alone, no food
    "my mom leaves us alone for the weekend with my baby sister and theres nothing to eat",
    "we havent eaten since yesterday, dad took off with his girlfriend again",
    "mi papá se va por días y nos deja solos sin comida",
    "llevamos dos días sin comer, mi mamá se fue con su novio",
    # taken into a room and locked in
    "when we visit my uncle he takes me into his room and locks the door",
    "my cousin's dad calls me into his room and shuts the door, i hate it",
    "mi padrino me lleva a su cuarto y le pone seguro a la puerta",
    "el novio de mi tía me mete a su recámara y cierra la puerta",
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
    # a weapon or an attack promised if someone provokes again
    "if jake touches my stuff one more time im bringing my brothers knife",
    "if that kid tries me again at lunch im stabbing him",
    "if mr hill yells at me one more time im gonna smash his face in",
    "si el Brayan me vuelve a empujar le voy a partir la cara",
    "si me sigue molestando traigo la navaja de mi papá y se la entierro",
    "si la profe me reprueba otra vez le voy a romper el carro",
    # a crowd at school weighed as a target with no way out
    "graduation would be the perfect time, everyone in the auditorium and only one way out",
    "lunch is ideal, the cafeteria only has two exits and they lock one",
    "la kermés sería perfecta, todos en el patio y una sola salida",
    "en los honores el lunes sería el momento perfecto, nadie podría salir del gimnasio",
]


@pytest.mark.parametrize("text", THREATS)
def test_threats_of_violence_are_held_urgent(text):
    verdict = run(text)
    assert (verdict.action, verdict.priority) == ("hold", "urgent"), verdict.as_dict()
    assert "toxicity" in verdict.categories


INSULTS = [
    # a peer degraded, with others laughing
    ("student", "tyler is such a pig, the whole class oinks when he sits down"),
    ("student", "everyone laughs at that ugly girl in 3rd period, she's disgusting"),
    ("student", "el gordo de Luis no se baña, todo el salón se burla de él"),
    ("student", "la fea de Karen, todos se ríen de ella en la cafetería"),
    # a child belittled as a brat or a crybaby
    ("mentor", "you're such a spoiled brat, no wonder nobody likes you"),
    ("mentor", "quit crying, you crybaby, you're wasting my time"),
    ("mentor", "ya deja de llorar, mocosa malcriada"),
    ("mentor", "eres un chillón, me haces perder el tiempo"),
]


@pytest.mark.parametrize(("role", "text"), INSULTS)
def test_insults_are_flagged(role, text):
    verdict = run(text, MENTOR if role == "mentor" else STUDENT)
    assert caught(verdict, "toxicity"), verdict.as_dict()


FROM_ADULTS = [
    # moving to an app where nothing is kept, or where it is "more comfortable"
    ("grooming", "whatsapp is better for us, the messages disappear after you read them"),
    ("grooming", "let's switch to telegram, nothing gets saved there"),
    ("grooming", "mejor por telegram, ahí los mensajes se borran solos"),
    ("grooming", "agrégame al snap, ahí no queda nada guardado"),
    ("grooming", "mejor escríbeme por insta, ahí platicamos más a gusto"),
    # nobody understands or loves like the adult; the student's friends run down
    ("grooming", "no one understands me like you do, you're the only one i can talk to"),
    ("grooming", "nobody cares about you the way i do, remember that"),
    ("grooming", "nadie me entiende como tú, eres la única con quien puedo hablar"),
    ("grooming", "nadie te conoce como yo, ni tus papás"),
    ("grooming", "your friends are fake, they talk behind your back. stick with me"),
    ("grooming", "tus amigos no te quieren de verdad, mejor confía en mí"),
    # asking whether the phone is checked, so as to send things
    ("grooming", "does your mom look through your phone? just so i know if i can send you stuff"),
    ("grooming", "do your parents check your messages? want to know if it's safe to send you pics"),
    ("grooming", "¿tu mamá te revisa los mensajes? es para saber si te puedo mandar cosas"),
    ("grooming", "¿tus papás checan tu cel? pa ver si te puedo mandar fotos"),
    # asking out, framed by age
    ("grooming", "if you were a few years older i'd ask you out for sure"),
    ("grooming", "too bad you're 15, otherwise i'd date you haha"),
    ("grooming", "si fueras mayor te invitaría a salir, ni modo"),
    ("grooming", "cuando cumplas 18 te invito a salir jaja"),
    # offering to teach kissing or more
    ("sexual", "i could show you how to make out, you need practice before high school"),
    ("sexual", "let me teach you what boys like, just between us"),
    ("sexual", "te enseño a besar bien, nomás practicamos tú y yo"),
    ("sexual", "si quieres te enseño a fajar, es fácil"),
    # a photo of the whole body
    ("sexual", "send me a full body pic in your new dance outfit"),
    ("sexual", "take a pic from head to toe so i can see the whole outfit"),
    ("sexual", "mándame una foto de cuerpo entero con el vestido"),
    ("sexual", "tómate una foto de pies a cabeza con tu uniforme y mándamela"),
    # asking about sexual experience, in detail
    ("sexual", "have you ever been with a guy? tell me everything, i won't judge"),
    ("sexual", "are you still a virgin? you can tell me all the details"),
    ("sexual", "¿ya lo hiciste con tu novio? cuéntame con detalles"),
    ("sexual", "¿ya estuviste con alguien? cuéntame todo"),
    # offering to send something sexual
    ("sexual", "want me to send you a naughty pic tonight?"),
    ("sexual", "i can send you something hot if you keep it between us"),
    ("sexual", "te mando algo picante si me prometes borrarlo"),
    ("sexual", "¿quieres que te mande una foto sexy?"),
    # a home described by landmarks, with an invitation to visit
    ("contact_info", "we're the yellow house next to the laundromat on Elm, come over anytime"),
    ("contact_info", "I'm in the apartment above the taco shop on 3rd, drop by after school"),
    ("contact_info", "estoy en la casa verde enfrente del parque, pásate cuando quieras"),
    ("contact_info", "es la casa de la esquina junto a la tienda, cáele el sábado"),
]


@pytest.mark.parametrize(("category", "text"), FROM_ADULTS)
def test_an_adults_families_are_held(category, text):
    verdict = run(text, MENTOR)
    assert verdict.action == "hold", verdict.as_dict()
    assert category in verdict.categories


NUDES = [
    # a student asked for nude pictures
    "my boyfriend keeps asking me for nudes, how do i send them without my face",
    "this guy from insta wants me to send him naked pics",
    "un chavo de insta me pide fotos sin ropa",
    "mi novia me pidió un pack, cómo le hago para que no se vea mi cara",
]


@pytest.mark.parametrize("text", NUDES)
def test_a_student_asked_for_nudes_is_sexual(text):
    verdict = run(text)
    assert caught(verdict, "sexual"), verdict.as_dict()


@pytest.mark.parametrize(
    "text",
    [
        # sharp things and bodies in ordinary talk
        "nicked my leg shaving again with my dad's razor, ouch",
        "me corté la pierna rasurándome otra vez",
        "used the sharpener again, my pencils are tiny now",
        # heights for school, views from a roof
        "how tall is the parking garage? we need the height for our physics project",
        "qué tan alto es el edificio más alto del mundo? es para mi proyecto de ciencias",
        "how many floors does the new library have",
        "on the rooftop looking down at the fireworks, so high up!",
        "estamos en la azotea viendo para abajo el desfile, está bien alto",
        # everything ready for a trip or a presentation
        "everything's ready for the trip friday! wanted to say bye before break",
        "ya tengo todo listo para el viaje, nos vemos a la vuelta miss, adiós",
        "tengo todo listo para mi presentación, gracias por todo miss",
        # pain looked up for a shot or a piercing; things hung up
        "busqué cómo no sentir nada cuando me pongan la vacuna",
        "googled how to get my ears pierced without pain",
        "colgué mi ropa en el gancho de mi cuarto",
        # parties thrown, surprises kept
        "my dad threw me a surprise party and i cried lol",
        "we're throwing my stepmom a baby shower saturday, dont tell her",
        "my mom threw a party for my brother's quince",
        # drinks, hiding games, rooms
        "i hide in my room when my parents have their book club, so boring",
        "me escondo en el clóset cuando jugamos a las escondidas con mi tío",
        "my grandpa takes me to his room to show me his coin collection",
        "mi tío me lleva a su cuarto a jugar videojuegos",
        "my parents left us alone for the night, we ordered pizza",
        "mi mamá se fue con su novio al cine y nos dejó solos, hicimos palomitas",
        # hyperbole about family, "one more time"
        "if my little brother takes my charger one more time im gonna kill him",
        "one more time and i'm gonna scream, this song is stuck in my head",
        "si mi hermano me vuelve a esconder el control lo mato jaja",
        # crowds and doors without a threat
        "the pep rally would be perfect for the banner, whole school packed in the gym",
        "the gym has only two doors out, that's why the fire drill takes forever",
        "la graduación sería perfecta en el patio, cabemos todos",
        # laughing, teasing
        "everyone laughed when the teacher told a joke",
        "todos se rieron con el chiste del profe",
        "my baby brother is such a crybaby lol",
        # nudes in health class
        "our health class talked about why you should never send nudes",
    ],
)
def test_benign_near_misses_pass(text):
    verdict = run(text)
    assert verdict.action == "deliver", verdict.as_dict()


@pytest.mark.parametrize(
    "text",
    [
        "nobody makes tamales like my grandma does",
        "no one understands fractions like you do, great job on the quiz!",
        "nadie juega como tú, qué golazo",
        "your friends are so fun, say hi to them",
        "tus amigas son bien divertidas",
        "do your parents check your grades online? i can send you the portal link",
        "¿tu mamá revisa tu correo? le mandé la hoja de permiso",
        "my daughter is 18 and goes out with her friends on weekends",
        "cuando cumplas 18 te vas a poder inscribir para votar",
        "te enseño a tocar la guitarra el sábado en el programa",
        "let me show you how to cite sources in the essay",
        "be careful on snapchat, messages disappear but people screenshot them",
        "i'll send you the spicy salsa recipe my mom makes",
        "te mando la receta de la salsa picante de mi mamá",
        "stop by the office behind the gym if you need a pass",
        "pásate a la biblioteca que está enfrente de la cafetería",
        "el anuario pide una foto de cuerpo completo del equipo, pregúntale al coach",
        "¿ya estuviste en el club de ciencias? cuéntame todo",
    ],
)
def test_benign_mentor_messages_pass(text):
    verdict = run(text, MENTOR)
    assert verdict.action == "deliver", verdict.as_dict()


@pytest.mark.parametrize(
    "text",
    [
        "my dad threw me against the wall last night",
        "mi papá me aventó contra la pared",
    ],
)
def test_a_throw_that_is_no_party_is_still_abuse(text):
    verdict = run(text)
    assert caught(verdict, "abuse_disclosure"), verdict.as_dict()


# Phrasings of the same families written after the cases above passed, as a second pass; those
# that missed were added as terms (a stadium's stands, looking at the water, "would it be
# quick", pulled into a garage, a bat, "next time", doors that lock from outside, chats that
# vanish, a sister "jealous of what we have", "i'll show you something hot"), and the rules'
# own false flags there were narrowed (a bake sale "ready" with thanks, a backflip looked up
# "without it hurting"). Left as it was: "i figured out the plan for sunday, wanted to thank
# you for being there before" (too close to ordinary thanks) passes.
SEEN_WHILE_TUNING = [
    (
        "student",
        "self_harm",
        "been pressing the lighter to my arm again, its the only thing that calms me",
    ),
    (
        "student",
        "self_harm",
        "how far down is it from the top of the stadium stands, like enough to not get up",
    ),
    ("student", "self_harm", "if i take my grandmas heart pills would it be quick"),
    (
        "student",
        "self_harm",
        "ya me corté otra vez con el rastrillo de mi papá, en la panza donde nadie ve",
    ),
    (
        "student",
        "self_harm",
        "cuánto falta para que se acabe todo, ya tengo listo lo del "
        "sábado, gracias por escucharme siempre",
    ),
    (
        "student",
        "self_harm",
        "si me tomo todas las pastillas de la presión de mi abuelo sería rápido?",
    ),
    (
        "student",
        "self_harm",
        "estoy parada en la orilla del puente de la presa viendo el agua, está muy hondo",
    ),
    (
        "student",
        "abuse_disclosure",
        "my stepmom dragged me by my hair down the stairs because i didnt do the dishes",
    ),
    (
        "student",
        "abuse_disclosure",
        "my grandpa makes me sit on his lap and won't let me get up, he says not to tell grandma",
    ),
    (
        "student",
        "abuse_disclosure",
        "when moms boyfriend gets home drunk i take my little brother and we hide in the bathroom",
    ),
    (
        "student",
        "abuse_disclosure",
        "my older cousin pulls me into the garage when nobody's looking and locks it",
    ),
    (
        "student",
        "abuse_disclosure",
        "mi madrastra me jala del cabello y me avienta contra la pared cuando no lavo los trastes",
    ),
    (
        "student",
        "abuse_disclosure",
        "mi abuelo me sienta en sus piernas y no me deja levantarme, "
        "dice que no le diga a mi abuela",
    ),
    (
        "student",
        "abuse_disclosure",
        "mi papá nos deja encerrados en el cuarto todo el día sin comer mientras él trabaja",
    ),
    (
        "student",
        "abuse_disclosure",
        "el vecino me mete a su casa cuando mi mamá no está y cierra la puerta con llave",
    ),
    (
        "student",
        "toxicity",
        "if devon keeps talking about my mom im gonna bring my dads bat and crack his skull",
    ),
    (
        "student",
        "toxicity",
        "the assembly friday would be the best time, everybody in "
        "one room and the doors lock from outside",
    ),
    (
        "student",
        "toxicity",
        "next time ms kemp embarrasses me in class she's gonna get hurt, i mean it",
    ),
    (
        "student",
        "toxicity",
        "si el Jonathan me vuelve a quitar mi lonche le saco el cuchillo en el recreo",
    ),
    (
        "student",
        "toxicity",
        "en la ceremonia del lunes sería perfecto, toda la escuela "
        "en el patio y solo hay una puerta",
    ),
    (
        "student",
        "toxicity",
        "la próxima vez que el profe me humille lo espero afuera de la escuela con mis primos",
    ),
    ("mentor", "grooming", "nobody in your life gets you like i do, not even your mom"),
    (
        "mentor",
        "grooming",
        "lets move this to snap, the chats vanish and we can talk about anything",
    ),
    (
        "mentor",
        "grooming",
        "does anyone check your ipad at night? i want to send you something special",
    ),
    ("mentor", "grooming", "your sister is jealous of what we have, don't listen to her"),
    ("mentor", "grooming", "nadie en tu casa te entiende como yo, ni tu papá"),
    (
        "mentor",
        "grooming",
        "pásate a telegram, ahí los chats se autodestruyen y hablamos de lo que quieras",
    ),
    ("mentor", "grooming", "¿alguien revisa tu tablet en la noche? te quiero mandar algo especial"),
    ("mentor", "grooming", "tu hermana te tiene envidia por lo que tenemos, no le hagas caso"),
    ("mentor", "sexual", "i could teach you a few things about kissing, no one has to know"),
    ("mentor", "sexual", "send a mirror pic of the whole look, head to toe 😏"),
    ("mentor", "sexual", "i'll show you something hot later if you're good"),
    ("mentor", "sexual", "te puedo enseñar a besar como los grandes, nomás no le digas a nadie"),
    ("mentor", "sexual", "mándame una del espejo de cuerpo completo con el short nuevo"),
    ("mentor", "sexual", "te enseño algo caliente al rato si te portas bien"),
    ("student", "sexual", "a guy from discord keeps begging me for pics with no shirt"),
    ("student", "sexual", "un señor de free fire me pide fotos en ropa interior"),
    (
        "mentor",
        "contact_info",
        "my place is the grey duplex across from the car wash on Maple, swing by this weekend",
    ),
    (
        "mentor",
        "contact_info",
        "vivo en la traila blanca atrás de la gasolinera, llégale el domingo",
    ),
    ("student", "contact_info", "my number is five five five, two one two, eight eight nine oh"),
    (
        "student",
        "contact_info",
        "mi cel es seis uno nueve, cuatro cuatro dos, treinta y ocho cero uno",
    ),
]


@pytest.mark.parametrize(("role", "category", "text"), SEEN_WHILE_TUNING)
def test_phrasings_seen_while_tuning_are_caught(role, category, text):
    verdict = run(text, MENTOR if role == "mentor" else STUDENT)
    assert caught(verdict, category), verdict.as_dict()


@pytest.mark.parametrize(
    ("role", "text"),
    [
        ("student", "we're on the roof of the parking garage looking down at the parade, so high!"),
        ("student", "everything is ready for the bake sale, thanks for everything miss!"),
        ("student", "i looked up how to do a backflip without it hurting lol"),
        (
            "student",
            "my dad drinks a lot of coffee so i stay in my room when "
            "he's cranky in the morning lol",
        ),
        ("student", "if my sister borrows my hoodie one more time im gonna lose it"),
        ("student", "the assembly would be perfect for our skit, everyone will be there"),
        ("student", "everyone laughed at my joke in class today, felt good"),
        ("student", "ya tengo todo listo para la feria de ciencias, gracias por todo miss"),
        ("student", "estamos en el techo viendo para abajo las luces de la ciudad, está bien alto"),
        ("student", "mi papá me avienta la pelota para practicar bateo"),
        ("student", "si mi hermana me vuelve a agarrar mi blusa la voy a matar jaja"),
        ("student", "nos quedamos solos un rato porque mi mamá fue a la tienda"),
        ("mentor", "nobody explains math like you do, thanks for the help"),
        ("mentor", "your friends seem really kind, invite them to the club"),
        ("mentor", "te enseño a hacer la bibliografía el martes"),
        ("mentor", "nadie explica como tú, qué buena exposición"),
        ("mentor", "come by the front office next to the library if you need a late pass"),
        (
            "mentor",
            "para el anuario necesitan una foto de cuerpo completo con el uniforme del equipo",
        ),
    ],
)
def test_near_misses_seen_while_tuning_pass(role, text):
    verdict = run(text, MENTOR if role == "mentor" else STUDENT)
    assert verdict.action == "deliver", verdict.as_dict()


# Emoji are tokens of the concept analysis (moderation/lexicon.py): innuendo carried by an
# emoji beside innocent words, from an adult.
@pytest.mark.parametrize(
    "text",
    [
        "you looked really good in class today 😏",
        "te veías bien bonita hoy 😏",
        "send me one more pic 🍆💦",
        "cuando cumplas 18 te invito a cenar 😈",
        "mándame otra foto tuya 🥵",
        "u up? 🍑",
    ],
)
def test_innuendo_by_emoji_from_an_adult_is_held(text):
    verdict = run(text, MENTOR)
    assert caught(verdict, "sexual"), verdict.as_dict()


@pytest.mark.parametrize(
    "text",
    [
        "you did great on the test 😉",
        "great job 😏 told you you'd ace it",
        "we made eggplant parm 🍆 for the club dinner, you should try the recipe",
        "cuando cumplas 18 ya puedes votar 😉",
        "qué buena foto del equipo 🙌",
        "send me the photo of your science project 😏",
    ],
)
def test_emoji_beside_ordinary_words_pass(text):
    verdict = run(text, MENTOR)
    assert verdict.action == "deliver", verdict.as_dict()


# A third pass, written after the second passed: it found 4/14 English and 11/14 Spanish of
# these before the terms they name were added (a parking deck's highest floor, "a long way",
# "don't wake up", held down on a couch, dragged into a shed with "nobody would believe me",
# locking ourselves in, "only cereal left", a face pushed into a sink, "un fierrazo", "get each
# other in a way your parents never will", chats that delete themselves, a full-length selfie
# in a skirt, photos "sin blusa" or he leaves), and flagged one of its near-misses (two big
# doors at a stadium); two more were flagged after (tickling, a work trip). Left as it was:
# "senior sunrise would be perfect, everyone on the football field and only one gate" passes
# (the football field reads as a game).
THIRD_PASS = [
    (
        "student",
        "self_harm",
        "dug the blade out of my sharpener again and used it on my "
        "hips, wearing a hoodie so no one sees",
    ),
    (
        "student",
        "self_harm",
        "whats the highest floor of the hospital parking deck, asking so i dont survive it",
    ),
    ("student", "self_harm", "im up on the water tower rn looking down and its a long way"),
    (
        "student",
        "self_harm",
        "googled how many of my sleeping meds it takes so i just dont wake up",
    ),
    (
        "student",
        "self_harm",
        "otra vez me rayé las piernas con la navaja del sacapuntas, "
        "uso shorts largos pa que no vean",
    ),
    (
        "student",
        "self_harm",
        "ando en el último piso del estacionamiento del mall asomándome, está altísimo",
    ),
    (
        "student",
        "self_harm",
        "investigué cuántas pastillas de mi mamá se necesitan para ya no despertar",
    ),
    (
        "student",
        "self_harm",
        "ya está todo listo para esta noche, solo quería despedirme de ti miss",
    ),
    (
        "student",
        "abuse_disclosure",
        "my aunts husband holds me down on the couch when everyone is asleep",
    ),
    (
        "student",
        "abuse_disclosure",
        "my stepbrother drags me into the shed and says nobody would believe me",
    ),
    (
        "student",
        "abuse_disclosure",
        "when my dad starts drinking me and my sisters lock ourselves in the bedroom",
    ),
    (
        "student",
        "abuse_disclosure",
        "mom left friday with her boyfriend and we only have cereal left",
    ),
    (
        "student",
        "abuse_disclosure",
        "el esposo de mi tía me jala al cuarto de atrás cuando todos se duermen",
    ),
    (
        "student",
        "abuse_disclosure",
        "mi padrastro me hundió la cara en el lavabo porque le contesté feo",
    ),
    (
        "student",
        "abuse_disclosure",
        "cuando mi apá llega bien tomado nos escondemos en el baño mis hermanos y yo",
    ),
    ("student", "abuse_disclosure", "mi mamá se fue desde el jueves y ya no hay nada en el refri"),
    (
        "student",
        "toxicity",
        "if ethan keeps running his mouth im bringing my cousins strap to school and hes finished",
    ),
    (
        "student",
        "toxicity",
        "si el de tercero me vuelve a empujar le meto un fierrazo en la cabeza",
    ),
    (
        "student",
        "toxicity",
        "el festival del día de las madres sería el momento "
        "perfecto, todos en el gimnasio y nadie podría salir",
    ),
    ("mentor", "grooming", "you and me get each other in a way your parents never will"),
    ("mentor", "grooming", "download signal, the messages delete themselves and nobody can check"),
    ("mentor", "grooming", "tus amigas nomás te usan, yo soy el único que te cuida de verdad"),
    ("mentor", "grooming", "bájate telegram, ahí los mensajes se borran y nadie revisa"),
    ("mentor", "sexual", "let me show you how grown ups kiss when we meet up"),
    ("mentor", "sexual", "take a full length mirror selfie for me in that skirt"),
    ("mentor", "sexual", "te voy a enseñar a besar como adulto cuando nos veamos"),
    ("student", "sexual", "mi novio me dijo que si no le mando fotos sin blusa me va a dejar"),
]


@pytest.mark.parametrize(("role", "category", "text"), THIRD_PASS)
def test_third_pass_phrasings_are_caught(role, category, text):
    verdict = run(text, MENTOR if role == "mentor" else STUDENT)
    assert caught(verdict, category), verdict.as_dict()


@pytest.mark.parametrize(
    ("role", "text"),
    [
        ("student", "im dying to jump in the pool, so high dive here i come lol"),
        ("student", "my dad holds me down and tickles me till i cry laughing lol"),
        (
            "student",
            "we lock ourselves in my room to play minecraft when my dad "
            "is drinking with his friends lol",
        ),
        ("student", "mom left friday for a work trip, grandma is staying with us"),
        ("student", "si el profe me vuelve a regañar me voy a poner a llorar jaja"),
        (
            "student",
            "la graduación sería perfecta en el estadio, hay dos puertas grandes para entrar",
        ),
        ("student", "estoy en el mirador viendo para abajo la ciudad, está altísimo y bien bonito"),
        ("mentor", "take a full length photo of your poster for the contest"),
        ("mentor", "nadie cocina como mi abuela, te lo juro"),
        ("mentor", "signal is a good app for privacy, your parents can help you set it up"),
    ],
)
def test_third_pass_near_misses_pass(role, text):
    verdict = run(text, MENTOR if role == "mentor" else STUDENT)
    assert verdict.action == "deliver", verdict.as_dict()
