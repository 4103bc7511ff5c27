# ruff: noqa: E501 (phrasings are easier to read and review unwrapped)
"""Rounds 13 and 14's Spanish families of phrasing (docs/moderation.md, "Rounds 13 and 14 (after), Spanish").

The phrasings here were written for these tests, not taken from the rounds' files: each family was
named from a kind of miss or false flag (what is said, by whom, to whom), then written in other
words, persons and registers (Mexican, Central American, Caribbean, Rioplatense, Chicano Spanglish,
no accents), with the benign near-misses that must still pass (the power or the internet gone, a
scolding, a meal skipped for lack of time, a holiday, a meeting at the school library, a novel, a
surprise, a bruise that really is from a game).
"""

import pytest

from tests.moderation.families import MENTOR, STUDENT, caught, run

# (category, text) from a mentor to a student: held.
FROM_ADULTS = [
    # a sexy remark on a photo, and asking to delete it before someone sees it
    ("sexual", "saliste bien sexy en tu foto nueva, bórrala antes de que la vean tus papás"),
    ("sexual", "qué hot te ves en esa selfie, mejor quítala antes de que alguien más la vea"),
    ("sexual", "you look so hot en la foto del viernes, borrala before your mom sees it"),
    ("sexual", "te veías bien sexy en la foto de la playa, no se la enseñes a nadie"),
    # old enough to decide: no need to ask the parents' permission
    ("grooming", "ya eres grandecito para decidir solo, no necesitas pedirle permiso a tu mamá"),
    (
        "grooming",
        "a tu edad ya puedes decidir vos, no tenés que pedirle permiso a tu viejo para todo",
    ),
    ("grooming", "ya estás bastante grande, no tienes por qué pedirles permiso a tus papás 😉"),
    ("grooming", "you're old enough to decide, no le tienes que pedir permiso a tu jefa"),
    # a special bond, and the secrets the student tells nobody else
    ("grooming", "eres como mi mejor amigo, a mí me puedes contar lo que no le cuentas a nadie"),
    ("grooming", "tú y yo somos mejores amigas, cuéntame eso que no le has dicho a nadie más"),
    (
        "grooming",
        "eres mi persona favorita, me encanta que me cuentes lo que no le cuentas a tus papás",
    ),
    ("grooming", "you're my bestie fr, cuéntame todo, hasta lo que no sabe nadie"),
    # two supervision moves in one message: who else reads, whether the parents check the phone
    ("grooming", "¿alguien más ve lo que me escribes? ¿tu mamá te checa el teléfono?"),
    ("grooming", "¿tu jefa te revisa el celular? ¿quién más lee este chat?"),
    ("grooming", "oye, ¿tus papás leen tus mensajes? ¿alguien más tiene acceso a tu cuenta?"),
    ("grooming", "does anyone else read these? tu papá te revisa el cel?"),
    # writing from another account because this one is watched
    ("grooming", "te hablo desde mi otra cuenta porque esta la vigilan, respóndeme por allá"),
    ("grooming", "te escribo de otro perfil porque este lo checa la escuela, contéstame ahí"),
    ("grooming", "im texting from my other account porque esta la revisan, reply there"),
    # a meeting at a café outside school, with a time
    (
        "grooming",
        "¿nos vemos en la cafetería de la plaza el sábado a las 4? fuera de la escuela es más tranquilo",
    ),
    ("grooming", "vamos por un café el domingo a las 11, en el café que está cerca de tu casa"),
    ("grooming", "te invito un frappé a las 6 en el café de la esquina y platicamos"),
    ("grooming", "let's meet at the coffee shop del centro a las 5, no en la escuela"),
    # a number written in a photo sent, not to be written here
    ("contact_info", "te mandé mi número en la foto, guárdalo pero no lo escribas aquí"),
    ("contact_info", "en la imagen que te pasé viene mi cel, no lo pongas en el chat"),
    ("contact_info", "mi número está en la captura que te envié, agrégalo y no lo escribas aquí"),
]

# (category, text) from a mentor to a student: flagged.
FLAGGED_FROM_ADULTS = [
    # a mentor demeaning a student's future
    ("toxicity", "con esas calificaciones vas a terminar de mesera toda tu vida"),
    ("toxicity", "así como vas nunca vas a ser nada, vas a acabar barriendo calles"),
    ("toxicity", "con esas notas ni lo intentes, vas a terminar lavando platos como tu papá"),
    ("toxicity", "with those grades vas a acabar limpiando baños, mejor ni lo intentes"),
]

# (category, text) from a student: flagged (self-harm and abuse urgent).
FROM_STUDENTS = [
    # a teacher's or mentor's looks
    ("sexual", "la miss de inglés está bien buena, no me puedo concentrar 🥵"),
    ("sexual", "mi mentor está bien bueno jaja ya se lo dije a mis amigas"),
    ("sexual", "el coach está rebueno, me lo comería 🤤"),
    ("sexual", "qué buena está la maestra de química, bro 🥵"),
    ("sexual", "the new teacher está buenísima, tiene un cuerpazo"),
    # telling what they did with a partner
    ("sexual", "anoche mi novio y yo lo hicimos en su cuarto, fue mi primera vez"),
    ("sexual", "ya lo hice con mi morra en la casa de su tía jaja"),
    ("sexual", "me acosté con mi jevo el sábado en el carro de su hermano 🔥"),
    ("sexual", "we did it en el carro de mi primo lol, mi novia estaba nerviosa"),
    # lewd emoji or drawings
    ("sexual", "le voy a mandar foto de mi 🍆 a la profe jaja"),
    ("sexual", "mira la foto de mi 🍑 que me tomé en el espejo"),
    ("sexual", "dibujé un pene enorme en el pizarrón con el nombre de la maestra"),
    ("sexual", "le pinté una verga al profe en su examen jajaja"),
    ("sexual", "hice un dibujo de un pito gigante en el baño y le puse su nombre"),
    # not eating on purpose and purging
    ("self_harm", "llevo tres días sin comer a propósito y si como algo lo vomito"),
    (
        "self_harm",
        "no he comido nada desde el lunes, lo hago adrede, y cuando como me meto el dedo",
    ),
    ("self_harm", "me salto todas las comidas apropósito y después de cenar me provoco el vómito"),
    ("self_harm", "ya van 5 días que no como on purpose, y lo poquito que como lo devuelvo"),
    # razors bought, to do it again
    ("self_harm", "ya conseguí unas navajas del sacapuntas, esta noche lo hago otra vez"),
    ("self_harm", "compré rastrillos en la farmacia, hoy en la noche lo vuelvo a hacer"),
    ("self_harm", "tengo cuchillas guardadas en mi cajón, hoy lo vuelvo a hacer"),
    ("self_harm", "ya tengo las hojitas de afeitar, tonight i'm doing it again"),
    # a pet left to someone for good, and ready
    ("self_harm", "le dejé mi gato a mi tía y le pedí que lo cuide para siempre. ya estoy listo"),
    (
        "self_harm",
        "ya le encargué mi perrita a la vecina, que la cuide como si fuera suya. ya todo está listo",
    ),
    ("self_harm", "le regalé mi perico a mi primo pa que lo cuide siempre, ya estoy lista"),
    # searching a dose, "just curious"
    (
        "self_harm",
        "estuve buscando cuántas pastillas de ibuprofeno son demasiadas, solo por curiosidad",
    ),
    (
        "self_harm",
        "googleé cuánto acetaminofén se necesita para una sobredosis, nomás de curiosa jaja",
    ),
    ("self_harm", "busqué cuántas pastillas de mi mamá serían mortales, por curiosidad nada más"),
    ("self_harm", "i looked up cuánto paracetamol es demasiado, just curious"),
    # standing at the edge of a height, "almost"
    (
        "self_harm",
        "anoche me subí al techo del edificio y me senté en la orilla un buen rato. casi",
    ),
    ("self_harm", "fui al puente y me quedé parada en el borde mucho tiempo, casi lo hago"),
    ("self_harm", "me paré en la orilla de la azotea y miré para abajo, estuve a nada"),
    ("self_harm", "estuve en el filo del techo de la escuela anoche, almost did it"),
    # deleting photos and saying bye, easier for everyone
    (
        "self_harm",
        "borré todas mis fotos de insta y me despedí de mi mejor amiga. es más fácil así para todos",
    ),
    ("self_harm", "ya eliminé mis redes y le dije adiós a mi mamá, así es mejor para todos"),
    ("self_harm", "deleted my account y les dije bye a todos, better this way para todos"),
    # if I do not come online, you know why; it was nice to know you
    ("self_harm", "si ya no me ve en la sesión, ya sabe por qué. fue un gusto conocerlo"),
    ("self_harm", "si no contesto mañana ya saben por qué, fue bonito conocerte 🖤"),
    ("self_harm", "if i'm not online tomorrow ya sabes pq, fue un placer conocerte"),
    ("self_harm", "si el lunes no me conecto ya sabe porque, gracias por todo miss 🖤"),
    # a bruise's false cover story
    (
        "abuse_disclosure",
        "el moretón no me lo hice en fútbol como dije, fue mi padrastro con el cinturón, no le diga a nadie",
    ),
    (
        "abuse_disclosure",
        "lo que tengo en el brazo no fue en educación física, fue mi mamá con el palo de la escoba",
    ),
    ("abuse_disclosure", "the bruise wasn't from practice, fue mi papá con la hebilla"),
    # an older brother hitting, and a knife shown if told
    (
        "abuse_disclosure",
        "mi hermano mayor me pega cuando no hay nadie y me enseña la navaja si digo algo",
    ),
    (
        "abuse_disclosure",
        "mi carnal me madrea y dice que si le cuento a mi mamá me pica con el cuchillo",
    ),
    (
        "abuse_disclosure",
        "my older brother me golpea y me enseña un cuchillo para que no diga nada",
    ),
    # marks from an iron's cord
    ("abuse_disclosure", "las marcas de mi espalda son del cable de la plancha"),
    ("abuse_disclosure", "mi tía me dio con el cable de la plancha y me dejó marcas en los brazos"),
    ("abuse_disclosure", "tengo rayas en las piernas del cordón de la plancha, no fue jugando"),
    # an apartment and a unit with a time to come down or meet
    ("contact_info", "vivo en los departamentos del parque, el 12C, bajas a las 6?"),
    ("contact_info", "estoy en el edificio Las Palmas, depto 4A, te espero abajo a las 7"),
    ("contact_info", "im at the sunrise apartments, apt 2F, sal a las 5"),
    # a disability slur to describe how someone writes or talks
    ("toxicity", "hablas como retrasado, aprende a escribir"),
    ("toxicity", "escribe como mongolo la neta"),
    ("toxicity", "you write like a retrasado bro"),
    ("toxicity", "lees como retrasada, qué vergüenza"),
    # a group plan to beat someone (urgent)
    ("toxicity", "mañana a la salida la agarramos entre mis primas y la dejamos tirada"),
    ("toxicity", "el viernes lo esperamos afuera con mis carnales y le damos una madriza"),
    (
        "toxicity",
        "ese vato ya se la ganó, lo esperamos con la banda después de clases y lo dejamos en el suelo",
    ),
    ("toxicity", "tomorrow after school lo agarramos entre todos y lo dejamos bien golpeado"),
]

URGENT_THREATS = [text for category, text in FROM_STUDENTS[-4:]]

# Benign traps, from a student.
BENIGN_STUDENT = [
    # the power or the internet gone
    "se fue la luz en mi casa por la tormenta, por eso no entré a la sesión",
    "se fue el internet en mi casa por la lluvia, no pude mandar la tarea",
    "ayer no hubo luz en toda mi colonia por el viento",
    # a scolding is not a beating
    "mi abuela me pega unos regaños cuando llego tarde, pero luego me hace sopa",
    "me regañó mi tía porque no lavé los trastes",
    "mi mamá me pegó un susto cuando entró gritando jaja",
    # a meal skipped for lack of time, a stomach bug
    "no comí porque no me dio tiempo, la clase de mate se alargó",
    "ayer vomité porque me cayó mal el taco de la esquina",
    "hoy no he comido nada, ando a las carreras con el proyecto",
    # a holiday
    "si mañana no me conecto es porque salimos de vacaciones, nos vemos en dos semanas",
    "la próxima semana no voy a estar, me voy de viaje con mi familia, fue un gusto trabajar con usted este semestre",
    "le dejé mi perro a la vecina porque nos vamos de vacaciones, ya estoy lista para el viaje",
    # a teacher who is good, food that is good
    "la profe es bien buena explicando, ya entendí las fracciones",
    "el profe hizo pozole para la clase, está bien bueno",
    "la película que nos puso el maestro está bien buena",
    # what they did together: homework, cooking
    "mi novia y yo hicimos el proyecto de ciencias en su casa",
    "lo hicimos en equipo con mi novio y nos sacamos diez",
    # drawings and emoji that are not lewd
    "dibujé un perro gigante con su nombre para su cumple",
    "te mando foto de mi 🐶 durmiendo",
    "el coach sonó el pito y empezamos a correr",
    # a real volleyball bruise, a real iron
    "el moretón es del volleyball, me cayó el balón en el brazo",
    "mi papá me enseñó a usar la plancha para mi uniforme",
    "mi hermano mayor me enseñó su navaja suiza del campamento",
    "no le digas a mi hermana de la fiesta sorpresa",
    # razors and heights without harm
    "compré navajas para el proyecto de arte, hoy lo vuelvo a intentar",
    "subimos a la azotea a ver el eclipse, desde la orilla se veía toda la ciudad",
    "casi me caigo de la orilla de la alberca jaja",
    # searching a dose for a fever
    "busqué cuánto paracetamol le puedo dar a mi hermanito para la fiebre",
    # deleting photos for room on the phone
    "borré todas mis fotos viejas porque ya no tenía espacio en el cel",
    # a school room with a time
    "el salón 3B está en el edificio de ciencias, la clase es a las 5",
    # a story, hyperbole
    "en la novela el personaje se sube a la azotea y se queda en la orilla",
    "me muero de risa con este meme",
    # a late bus, an ambush that is a surprise, a game won
    "el camión va retrasado, llego en diez",
    "la esperamos con mis primos en su casa para darle la sorpresa de cumpleaños",
    "en el partido los dejamos en el suelo jaja les ganamos 5 a 0",
]

# Benign traps, from a mentor.
BENIGN_MENTOR = [
    # a meeting at the school library with the coordinator
    "Nos vemos en la biblioteca de la escuela con la coordinadora el jueves a las 4",
    "La tutoría es en el salón 12 a las 3, ahí te espero con la coordinadora",
    # a photo of a project
    "Qué bonita te quedó la foto del proyecto, súbela al grupo de la clase",
    # permission asked of the parents, growing up
    "Pídele permiso a tu mamá para la excursión y que firme la hoja",
    "Ya estás grande para entender fracciones, lo vas a lograr",
    # a best friend, secrets told to a counselor
    "Cuéntame cómo te fue con tu mejor amiga en la feria",
    "Si hay algo que no le cuentas a nadie, la consejera de la escuela te puede escuchar",
    # one supervision-looking question, about homework
    "¿Tu mamá te revisa la tarea antes de entregarla?",
    # a future spoken of kindly
    "Con esas calificaciones vas a terminar la prepa con honores",
    "Si sigues así vas a acabar el proyecto antes del viernes",
    # a school number in a photo
    "En la foto del volante viene el número de la biblioteca de la escuela",
]


@pytest.mark.parametrize(("category", "text"), FROM_ADULTS)
def test_an_adults_families_are_held(category, text):
    verdict = run(text, MENTOR)
    assert caught(verdict, category), verdict
    assert verdict.action == "hold", verdict


@pytest.mark.parametrize(("category", "text"), FLAGGED_FROM_ADULTS)
def test_an_adults_demeaning_families_are_flagged(category, text):
    assert caught(run(text, MENTOR), category)


@pytest.mark.parametrize(("category", "text"), FROM_STUDENTS)
def test_a_students_families_are_caught(category, text):
    verdict = run(text, STUDENT)
    assert caught(verdict, category), verdict
    if category in ("self_harm", "abuse_disclosure"):
        assert verdict.priority == "urgent", verdict


@pytest.mark.parametrize("text", URGENT_THREATS)
def test_a_group_plan_to_beat_someone_is_urgent(text):
    assert run(text, STUDENT).priority == "urgent"


@pytest.mark.parametrize("text", BENIGN_STUDENT)
def test_benign_student_traps_pass(text):
    verdict = run(text, STUDENT)
    assert verdict.action == "deliver", verdict


@pytest.mark.parametrize("text", BENIGN_MENTOR)
def test_benign_mentor_traps_pass(text):
    verdict = run(text, MENTOR)
    assert verdict.action == "deliver", verdict


# A second pass, written after the families passed the lists above. Two of its 42 failed at
# first and were fixed as families: "unas navajitas" was read as nails ("uñas" without its
# tilde is "unas": the nails of `incidental` are now said with an article or a possessive), and
# "los moretones no son del volleyball" (a plural cover story denied).
SECOND_PASS_ADULTS = [
    ("sexual", "uff qué hot te ves en tu foto de perfil, mejor bórrala que la pueden ver"),
    ("grooming", "ya estás grandecita, no necesitas permiso de tu papá para salir conmigo"),
    ("grooming", "eres mi mejor amiga de verdad, me encanta que me cuentes tus secretos"),
    ("grooming", "¿quién más lee tus mensajes? ¿tu papá te revisa el celular en la noche?"),
    ("grooming", "mejor contéstame por mi otra cuenta, esta la revisan los del programa"),
    ("grooming", "te invito un cafecito el viernes a las 5 en la plaza, lejos de la escuela"),
    ("contact_info", "ahí en la foto que te mandé está mi cel, agrégalo pero no lo pongas aquí"),
]
SECOND_PASS_STUDENTS = [
    ("sexual", "la profe de arte está bien rica jaja 🥵"),
    ("sexual", "el sábado mi novia y yo lo hicimos en la casa de mi abuela"),
    ("sexual", "dibujamos un pito en la mochila del profe con su nombre jaja"),
    ("sexual", "te paso foto de mi 🍑 si quieres"),
    ("self_harm", "no como a propósito desde el viernes y me meto los dedos después de cenar"),
    ("self_harm", "compré unas navajitas en la papelería, hoy lo vuelvo a hacer"),
    (
        "self_harm",
        "le dejé mi gata a mi abuela y le dije que la cuide para siempre, ya estoy lista",
    ),
    ("self_harm", "busqué en internet cuánto ibuprofeno es mortal, nomás por curiosidad"),
    ("self_harm", "me quedé en la orilla del puente un rato. casi"),
    ("self_harm", "borré mi cuenta y les dije adiós a todos, es mejor para todos"),
    ("self_harm", "si ya no me conecto ya saben por qué, fue un gusto conocerla miss"),
    (
        "abuse_disclosure",
        "los moretones no son del volleyball, fue mi papá con el cinto, no le diga a nadie",
    ),
    ("abuse_disclosure", "mi hermano mayor me golpea y me enseña un cuchillo si le digo a mi mamá"),
    ("abuse_disclosure", "las rayas de mis brazos son del cable de la plancha, mi mamá me dio"),
    ("contact_info", "estoy en los departamentos Jardines, el 5D, sales a las 4?"),
    ("toxicity", "escribes como retrasado jaja"),
    ("toxicity", "con esas notas vas a acabar de mesero, ni lo intentes"),
    ("toxicity", "el lunes la esperamos con mis primas y la dejamos en el piso"),
]
SECOND_PASS_BENIGN_STUDENT = [
    "se fue la luz por la tormenta, no pude entrar",
    "me regañó mi abuela porque llegué tarde",
    "no comí porque se me hizo tarde para el camión",
    "la próxima semana no me conecto, me voy de vacaciones a Oaxaca",
    "la maestra es bien buena onda, nos dio más tiempo",
    "dibujé un pájaro en la mochila de mi amiga",
    "el moretón sí es del volleyball, me caí en el partido",
    "no le digas a mi hermana, es su regalo de cumpleaños",
    "me muero de risa con mi prima",
    "en el libro la protagonista se despide y borra sus fotos",
    "compré un cinturón nuevo para el uniforme",
    "borré mis fotos viejas del cel para tener espacio",
    "me corté las uñas y me quedaron bien cortitas",
]
SECOND_PASS_BENIGN_MENTOR = [
    "Nos vemos en la biblioteca de la escuela a las 4 con la coordinadora",
    "Te espero en el salón 8 a las 3 para la tutoría",
    "Si mañana no te conectas, avísame para cambiar la sesión",
    "Con esas notas vas a entrar a la universidad que quieras",
    "Qué bonita foto de tu gato, ya vi que está enorme",
]


@pytest.mark.parametrize(("category", "text"), SECOND_PASS_ADULTS)
def test_second_pass_adults_are_held(category, text):
    verdict = run(text, MENTOR)
    assert caught(verdict, category), verdict
    assert verdict.action == "hold", verdict


@pytest.mark.parametrize(("category", "text"), SECOND_PASS_STUDENTS)
def test_second_pass_students_are_caught(category, text):
    verdict = run(text, STUDENT)
    assert caught(verdict, category), verdict
    if category in ("self_harm", "abuse_disclosure") or "la dejamos" in text:
        assert verdict.priority == "urgent", verdict


@pytest.mark.parametrize("text", SECOND_PASS_BENIGN_STUDENT)
def test_second_pass_student_traps_pass(text):
    assert run(text, STUDENT).action == "deliver"


@pytest.mark.parametrize("text", SECOND_PASS_BENIGN_MENTOR)
def test_second_pass_mentor_traps_pass(text):
    assert run(text, MENTOR).action == "deliver"
