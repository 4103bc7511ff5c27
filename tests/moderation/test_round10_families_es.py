# ruff: noqa: E501 (phrasings are easier to read and review unwrapped)
"""Round 10's Spanish families of phrasing (docs/moderation.md, "Round 10 (after, es)").

The phrasings here were written for these tests, not taken from the round's file: each family was
named from a miss or a false flag of `2026-12-02-r10-es.jsonl` (what is said, by whom, to whom),
then written again in other registers (Mexican, Central American, Caribbean, Rioplatense voseo,
Chicano Spanglish), with the benign near-misses that must still pass (identity words, hyperbole,
school numbers, history and biology class, running late, a game, online-safety advice).
"""

import pytest

from tests.moderation.families import MENTOR, STUDENT, caught, run

# (category, text) from a mentor to a student: held.
FROM_ADULTS = [
    # asking who reads the chat, to know how freely one can talk
    ("grooming", "¿Tu mamá lee tus mensajes de aquí? Es para saber si puedo hablarte en confianza"),
    ("grooming", "does anybody check this chat? just wanna know how freely i can talk with you"),
    ("grooming", "¿Alguien más revisa esto? Pregunto para ver si puedo contarte cosas"),
    # maturity framed against the student's age, with adult topics
    ("grooming", "Pensás como una mujer grande, con vos se puede hablar de temas de adultos"),
    (
        "grooming",
        "Eres bien madura, no como los de tu edad, contigo puedo platicar de cosas de grandes",
    ),
    ("grooming", "you're not like girls your age, with you i can talk about adult stuff"),
    # an alibi for the parents and a ride
    ("grooming", "Dile a tu amá que vas a casa de tu prima y yo paso por ti a la esquina"),
    ("grooming", "diles a tus jefes que estás en la biblioteca, yo te doy raite"),
    ("grooming", "tell your mom you're at practice, i'll pick you up after"),
    # looks and looking older than one's age
    ("grooming", "Qué linda salís en esa foto, parecés mayor de lo que sos"),
    ("grooming", "Estás bien bonita en tu foto nueva, no aparentas tu edad para nada"),
    # undressing on camera
    ("sexual", "Prende la cámara ahorita, pero en ropa interior, nadie se entera"),
    ("sexual", "en la videollamada de hoy quítate la blusa, sin bra jaja"),
    # a dream of the reader, said not innocent (voseo)
    ("sexual", "Soñaba con vos anoche y no era nada inocente, ¿vos me ves así?"),
    ("sexual", "te soñé y no fue un sueño tan inocente 🙈"),
    # a put-down about the student's future
    (
        "toxicity",
        "Así como vas, vas a acabar lavando platos. Ni sé para qué pierdo mi tiempo contigo",
    ),
    ("toxicity", "Vas a terminar de sirvienta como tu tía, contigo no se puede"),
]

# (category, text) from a student: flagged (self-harm and abuse urgent).
FROM_STUDENTS = [
    # add me on an app, with an alias
    ("contact_info", "seguime en ig, estoy como mica_dibuja"),
    ("contact_info", "add me en ig porfa, mi user es kevo.22"),
    # someone showed me porn and asked to try it
    ("sexual", "el novio de mi hermana me mostró videos porno y quería que hiciéramos lo mismo"),
    ("sexual", "un vato del barrio me pasó un video xxx y me dijo que lo probáramos"),
    # asked to turn the camera on undressed, for a game's currency
    ("sexual", "un man en roblox me pide que abra la cámara sin camisa y me regala robux"),
    ("sexual", "en fortnite un tipo me dijo que prendiera la cam en calzones y me daba pavos"),
    # a household poison asked about as a way
    ("self_harm", "si me tomo el cloro que hay debajo del fregadero se siente algo?"),
    ("self_harm", "is it true that if you drink antifreeze it doesn't hurt? tenemos en la cochera"),
    ("self_harm", "cuánto raticida hay que tragarse para no despertar"),
    # no point in living, thinking how
    ("self_harm", "ya no le encuentro el caso a seguir vivo, siempre pienso en cómo hacerlo"),
    ("self_harm", "no le veo el point a seguir aquí, pienso en cómo lo haría"),
    # giving belongings away for when one is gone
    ("self_harm", "miss quédese con mis libros cuando ya no esté, ya se los aparté"),
    ("self_harm", "dale mis tenis a mi hermanito cuando ya no esté porfa"),
    # a train timetable and nobody more to endure
    ("self_harm", "ya sé cada cuánto pasa el metro, el lunes ya no voy a tener que aguantar nada"),
    ("self_harm", "chequé a qué hora pasa el tren de carga, pronto ya no voy a sufrir"),
    # not waking up wished for, with a plan or as a relief to others
    ("self_harm", "si un día ya no despierto nadie me iba a extrañar, la neta"),
    ("self_harm", "ojalá me duerma y ya no amanezca, ya tengo todo planeado pal viernes"),
    ("self_harm", "si mañana ya no despierto mejor para todos, ya lo decidí"),
    # hit with an object by an adult
    ("abuse_disclosure", "mi padrastro me pega con el cable del cargador y me dejó marcas"),
    ("abuse_disclosure", "mi mamá me pegó con la chancla y me dejó marcas"),
    (
        "abuse_disclosure",
        "mi apá me da con el cinto cuando no termino de trabajar en la construcción",
    ),
    # an ambush that puts someone in hospital
    ("toxicity", "al de 8vo lo esperamos entre todos a la salida y lo mandamos al hospital"),
    ("toxicity", "le vamos a caer con mis carnales y lo vamos a dejar en silla de ruedas"),
    # a nationality said to be criminals
    ("toxicity", "los hondureños son puros mareros, no los quiero en mi equipo"),
    ("toxicity", "todos los venezolanos son unos rateros"),
    # disability slurs said of a person
    ("toxicity", "el de la silla de ruedas es un retrasado, pobre mongolito"),
    ("toxicity", "pareces retrasada, mensa"),
    # an identity word as a label, with a degrading claim or exclusion
    ("toxicity", "ese indio de mi salón apesta, nadie se quiere sentar con él"),
    ("toxicity", "esa prieta da asco, we all sit away from her"),
    # a photo in a changing room passed to a group; an animal nickname
    ("toxicity", "le tomamos foto a Dani en el baño cambiándose y la pasamos al grupo"),
    ("toxicity", "ahora todos le dicen la ballena a la nueva jaja"),
]

# Benign traps, from a student.
BENIGN_STUDENT = [
    # not waking up on time, and a bear's winter sleep
    "si no despierto a tiempo mañana mejor llámame, tengo el examen a las 8",
    "si me duermo y no despierto para el examen mi mamá me mata jaja",
    "en biología vimos que el oso se duerme y no despierta hasta la primavera",
    # running late, a delayed bus
    "vamos retrasados, apúrate que ya empezó la clase",
    "el camión viene retrasado otra vez, llego tarde",
    "ando bien retrasada con la tarea de mate",
    # hyperbole
    "me muero de risa con tus memes",
    "te mato si no vienes a mi fiesta jaja",
    # (these four were flagged while probing: the first two by the code before this round)
    "te mato si no vienes",
    "mi mamá me va a dar con la chancla jaja",
    "le dicen la vaca lechera al camión del helado",
    "esa negra es mi mejor amiga",
    # games
    "en minecraft quemé la aldea de mi hermano y se enojó bien feo",
    "en fortnite nos caímos bien feo del edificio jajaja",
    # school numbers, history and biology class
    "el salón 214 está en el segundo piso, la clase es a las 3:15",
    "en historia vimos que los mongoles invadieron China en el siglo XIII",
    "en biología vimos cómo el veneno de ratas afecta la coagulación de la sangre",
    "en la clase de biología nos enseñaron un video sobre la reproducción de las plantas",
    # identity words
    "mi mejor amiga es negra y dominicana y baila increíble",
    "soy salvadoreño y orgulloso, mis papás son de San Miguel",
    "mi abuelo es indígena y habla náhuatl",
    # a train, a move, a hospital visit
    "ya sé a qué hora pasa el tren para ir al museo el sábado",
    "el viernes salgo de vacaciones y ya no voy a tener que aguantar a mi hermano en el tren",
    "profe le puede dar mis dibujos a la maestra de arte cuando ya no esté en su clase? me cambian de grupo",
    "vamos a esperar a mi abuela a la salida del hospital, tiene cita",
    # chores and family
    "mi mamá limpia casas y estoy muy orgullosa de ella",
    "mi tío me lleva a trabajar en la obra los sábados y me paga bien",
    "subimos la foto del equipo al grupo después del partido",
    "no le veo sentido a esta tarea de álgebra jaja",
    "no sé cómo hacerlo, ¿puedo seguir aquí en la biblioteca?",
    "we posted the photo of the changing leaves to the group chat",
]

# Benign traps, from a mentor.
BENIGN_MENTOR = [
    # online-safety advice naming gifts and secrecy
    "Si alguien en internet te ofrece regalos o te pide que no le digas a tu familia, cuéntaselo a tu consejera.",
    "Recuerda: si un desconocido en línea te pide fotos o que guardes secretos, avísale a un adulto de confianza.",
    # ordinary praise and planning
    "Qué linda foto de tu graduación, te ves muy contenta con tu familia",
    "¡Qué linda foto! Pareces más grande con ese corte de pelo",
    "Aquí puedes hablar libremente, la coordinadora también lee el chat para cuidarte",
    "Eres muy madura para organizar tu tiempo, sigue así con la tarea",
    "Vas a terminar la carrera de enfermería si sigues así, estoy orgullosa",
    "Dile a tu mamá que la junta de padres es el jueves a las 6",
    "En la videollamada de mañana repasamos el ensayo, ten tu cuaderno a la mano",
]


@pytest.mark.parametrize(("category", "text"), FROM_ADULTS)
def test_an_adults_families_are_held(category, text):
    verdict = run(text, MENTOR)
    assert caught(verdict, category), verdict
    assert verdict.action == ("flag" if category == "toxicity" else "hold"), verdict


@pytest.mark.parametrize(("category", "text"), FROM_STUDENTS)
def test_a_students_families_are_caught(category, text):
    verdict = run(text, STUDENT)
    assert caught(verdict, category), verdict
    if category in ("self_harm", "abuse_disclosure"):
        assert verdict.priority == "urgent", verdict


@pytest.mark.parametrize(
    "text",
    [
        "al de 8vo lo esperamos entre todos a la salida y lo mandamos al hospital",
        "le vamos a caer con mis carnales y lo vamos a dejar en silla de ruedas",
    ],
)
def test_an_ambush_is_an_urgent_threat(text):
    assert run(text, STUDENT).priority == "urgent"


@pytest.mark.parametrize("text", BENIGN_STUDENT)
def test_benign_student_traps_pass(text):
    verdict = run(text, STUDENT)
    assert verdict.action == "deliver", verdict


@pytest.mark.parametrize("text", BENIGN_MENTOR)
def test_benign_mentor_traps_pass(text):
    verdict = run(text, MENTOR)
    assert verdict.action == "deliver", verdict
