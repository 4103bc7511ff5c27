# ruff: noqa: E501 (phrasings are easier to read and review unwrapped)
"""Round 11's Spanish families of phrasing (docs/moderation.md, "Round 11 (after), Spanish").

The phrasings here were written for these tests, not taken from the round's file: each family was
named from a miss or a false flag of `2026-12-02-r11-es.jsonl` (what is said, by whom, to whom),
then written again in other registers (Mexican, Central American, Caribbean, Rioplatense voseo,
Chicano Spanglish, no accents, typos), with the benign near-misses that must still pass (identity
words, hyperbole, school numbers and e-mails given by staff, literature and history, a surprise,
running late, a bus that is late, a pack of stickers, a swimming class).
"""

import pytest

from tests.moderation.families import MENTOR, STUDENT, caught, run

# (category, text) from a mentor to a student: held.
FROM_ADULTS = [
    # coming over to the student's home while the parent is away at work
    (
        "grooming",
        "Si tu jefa trabaja en la noche, yo paso a tu casa y te ayudo con la tarea, no hace falta que sepa",
    ),
    ("grooming", "¿tu vieja labura de noche? Entonces caigo a tu casa un rato, vos y yo tranqui"),
    (
        "grooming",
        "Como tu mamá trabaja doble turno, puedo ir a tu casa después de las 9 y estudiamos",
    ),
    ("grooming", "your mom works nights right? i can come over and help u, no hay que decirle"),
    # a ride, the two of them alone, hidden from the program
    (
        "grooming",
        "El domingo te recojo en el parque y nos damos una vuelta, vos y yo solos, no le avises a la coordinadora",
    ),
    (
        "grooming",
        "te busco a la salida y nos vamos por ahí, los dos nomás, no les avises a los del programa",
    ),
    # how far the student has gone with a partner
    ("sexual", "¿Y con tu novia ya pasaron a más o todavía no? Conmigo puedes hablar de eso"),
    ("sexual", "Contame, ¿hasta dónde llegaste con el pibe que te gusta? No me asusto de nada"),
    ("sexual", "so how far have you gone with your boyfriend? a mí me cuentas todo"),
    ("sexual", "¿Ya lo hicieron tú y tu novio? Puedes tenerme confianza"),
    # a swimsuit photo asked for
    ("sexual", "Pasame una foto en bikini de cuando fuiste a la playa"),
    ("sexual", "mándame una foto en vestido de baño, seguro te ves linda"),
    ("sexual", "Enviame una foto con tu traje de baño nuevo, quiero ver cómo te queda"),
    # teaching adult things, or showing how, in private away from the monitored platform
    ("sexual", "Yo te puedo enseñar cosas de grandes que en tu casa no te van a enseñar"),
    ("sexual", "Quisiera enseñarte temas de adultos, poquito a poco, cuando estemos solos"),
    (
        "sexual",
        "Te enseño cómo se hace pero a solas, aquí no porque esta plataforma está monitoreada",
    ),
    ("sexual", "si quieres te muestro cómo, pero por privado, que aquí nos leen todo"),
    # a "surprise" that is the adult's own, kept from the parents, is still secrecy
    ("grooming", "Te tengo una sorpresa, no le digas a tu mamá hasta que te la dé"),
]

# (category, text) from a student: flagged (self-harm and abuse urgent).
FROM_STUDENTS = [
    # a handle on an app, in voseo and in Spanglish, with a request to follow
    ("contact_info", "¿tenés insta? yo soy flor.rojas_22, seguime y te sigo"),
    ("contact_info", "tengo tiktok, búscame, mi user es eldani.mx"),
    ("contact_info", "dame follow en tiktok, aparezco como kari_bb"),
    # "el pack"
    ("sexual", "pasame tu pack porfa, no lo enseño a nadie"),
    ("sexual", "mandame el pak, lo borro al toque"),
    ("sexual", "ya pues, pasa pack y te dejo en paz"),
    # an invitation while the parents are away, with innuendo
    ("sexual", "vente a mi casa el sábado, mis papás no van a estar y hacemos cositas 😏"),
    ("sexual", "tengo la casa sola this weekend, come over y hacemos más que besarnos"),
    ("sexual", "mis jefes se van de viaje, cáele a mi casa y la pasamos rico"),
    # being a burden to the family
    ("self_harm", "en mi casa nomás estorbo, mis papás estarían más tranquilos sin mí"),
    ("self_harm", "siento que salgo sobrando, sería una boca menos que alimentar para mi mamá"),
    ("self_harm", "soy una carga pa mi familia, tendrían más dinero si yo no estuviera"),
    # wishing not to wake up, with relief or weariness
    ("self_harm", "ojalá no despierte mañana, así ya descanso"),
    ("self_harm", "estoy harta de todo, si ya no me levanto mejor"),
    ("self_harm", "ojala me duerma y no me levante, seria lo mejor"),
    ("self_harm", "si no despierto mañana qué alivio, ya me cansé de todo"),
    # neglect: a caregiver withdrawn, no food, the child feeding the siblings
    (
        "abuse_disclosure",
        "mi mamá ya no se levanta de la cama desde hace semanas y no hay nada de comer en la casa",
    ),
    (
        "abuse_disclosure",
        "mi papá se la pasa encerrado en su cuarto, yo les hago de comer a mis hermanitos pero ya no queda comida",
    ),
    (
        "abuse_disclosure",
        "my mom never leaves her room y la heladera está vacía, yo cuido a mis hermanos",
    ),
    # domestic violence overheard, and having to flee the house
    ("abuse_disclosure", "mi padrastro le pegó a mi mamá anoche y nos fuimos a dormir al carro"),
    (
        "abuse_disclosure",
        "mi papá llegó bien pedo, pateó la puerta y amenazó con matarla, tuvimos que salir corriendo",
    ),
    ("abuse_disclosure", "my stepdad was drunk again y golpeó a mi mamá, we hid at the neighbor's"),
    # a disability slur said of a person
    ("toxicity", "ese chavo es bien retrasado jaja no sabe ni sumar"),
    ("toxicity", "sos re retrasado vos, no entendés nada"),
    ("toxicity", "la nueva es medio retardada, no le hablen"),
    # an identity word with a word of contempt, and being sent back to a poor neighbourhood
    ("toxicity", "eres un indio de mierda, nadie te quiere aquí"),
    ("toxicity", "andate a tu villa, negro villero"),
    ("toxicity", "ese negro asqueroso no se sienta con nosotros"),
    # a threat to follow someone home (urgent)
    ("toxicity", "más le vale cuidarse cuando salga, ya sé por dónde camina pa su casa"),
    ("toxicity", "ese vato ya va a ver, lo voy a seguir hasta su casa después de clases"),
    ("toxicity", "he better watch out, ya sé a qué hora sale y por dónde se va"),
]

URGENT_THREATS = [text for category, text in FROM_STUDENTS[-3:]]

# Benign traps, from a student.
BENIGN_STUDENT = [
    # apps and games, no handle asked to follow
    "¿tenés instagram? la escuela subió las fotos del acto",
    # packs of things
    "pásame el pack de stickers que hiciste, están bien chistosos",
    "compré un pack de cartas de pokémon y me salió una rara",
    # swimming class and the pool
    "mañana hay natación, no se me puede olvidar la malla",
    # home alone without innuendo
    "mis papás no van a estar el sábado, vente a mi casa a hacer la maqueta",
    "tengo la casa sola, voy a jugar videojuegos toda la noche",
    # not waking on time
    "si mañana no me levanto temprano mejor me voy en camión",
    "si no despierto a tiempo mejor márcame, tengo examen a las 7",
    "ojalá no despierte tarde mañana, tengo el partido",
    # siblings, cooking, a sick parent
    "yo cocino para mis hermanos los domingos, hoy hice lo que haya en el refri y quedó rico",
    "mi mamá no sale del cuarto porque tiene gripa, yo le llevo sopa",
    "sin mí el equipo ganaba más fácil jaja soy malísimo",
    # a car, a door, cartoons
    "en el viaje a la playa dormimos en el carro, estuvo chido",
    "en la novela el esposo la golpea y ella se escapa con sus hijos",
    # running late, a late bus
    "el camión viene bien retrasado, llegamos tarde",
    "el chavo llegó retrasado a la clase otra vez",
    # identity words
    "mi abuela es negra y dominicana y cocina riquísimo",
    "soy mexicano y gay y estoy orgulloso",
    "el judío de la película es el héroe de la historia",
    "mi celular negro ya no prende",
    # hyperbole
    "me muero de risa con este video",
    "te mato si no vienes a mi cumple jaja",
    # a warning that is care, a bus route
    "cuídate cuando camines a tu casa, ya está oscuro",
    "ya sé por dónde se va el camión 12, te espero en la parada",
    # history class
    "en historia vimos que en la villa miseria vivían los migrantes del interior",
    # a surprise
    "no le digas a mi hermana de la fiesta sorpresa",
]

# Benign traps, from a mentor.
BENIGN_MENTOR = [
    # school numbers and e-mails given by staff
    "Para hablar con la consejera, el teléfono de orientación es (555) 020-4419 en horario escolar, o escribe a consejeria@escuelajuarez.org",
    "El número de la oficina de la escuela es 555-019-2233, extensión 14; también puedes escribir a orientacion@colegiosanmartin.edu",
    "Si quieres una cita, escríbele a la orientadora: maria.lopez@secundaria12.edu.mx",
    # teaching adult life skills
    "Te puedo enseñar cosas de adultos como hacer un presupuesto y pagar la renta",
    # a parent working nights, help at school
    "Sé que tu mamá trabaja de noche, si quieres hacemos la tutoría en la biblioteca de la escuela a las 4",
    "Puedo pasar por tu escuela el jueves para la feria de ciencias, tu mamá ya me confirmó",
    # relationships in health class, literature
    "En la clase de salud van a hablar de relaciones sanas, pregúntale a la enfermera lo que quieras",
    "En la novela, ¿hasta dónde llegan los personajes en su viaje?",
    # teaching in the program
    "Te enseño cómo se hace la ecuación en la sesión del jueves, aquí en la plataforma",
    "Mañana te explico cómo se hace la bibliografía, trae tu compu",
    # a swimsuit for a school trip, without a photo
    "Para la excursión del viernes trae traje de baño y toalla, vamos a la alberca",
    # a surprise
    "No le digas a tu hermana, pero le estamos preparando una sorpresa para su graduación",
]


@pytest.mark.parametrize(("category", "text"), FROM_ADULTS)
def test_an_adults_families_are_held(category, text):
    verdict = run(text, MENTOR)
    assert caught(verdict, category), verdict
    assert verdict.action == "hold", verdict


@pytest.mark.parametrize(("category", "text"), FROM_STUDENTS)
def test_a_students_families_are_caught(category, text):
    verdict = run(text, STUDENT)
    assert caught(verdict, category), verdict
    if category in ("self_harm", "abuse_disclosure"):
        assert verdict.priority == "urgent", verdict


@pytest.mark.parametrize("text", URGENT_THREATS)
def test_a_follow_home_threat_is_urgent(text):
    assert run(text, STUDENT).priority == "urgent"


@pytest.mark.parametrize("text", BENIGN_STUDENT)
def test_benign_student_traps_pass(text):
    verdict = run(text, STUDENT)
    assert verdict.action == "deliver", verdict


@pytest.mark.parametrize("text", BENIGN_MENTOR)
def test_benign_mentor_traps_pass(text):
    verdict = run(text, MENTOR)
    assert verdict.action == "deliver", verdict


def test_redundant_not_waking_terms_are_gone():
    """The wish not to wake is one family: no term of `not_waking_if` is another term plus words."""
    import tomllib
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "moderation/lexicons/es/veiled_r10.toml"
    terms = tomllib.loads(path.read_text())["concepts"]["not_waking_if"]
    redundant = [t for t in terms for u in terms if t != u and t.startswith(u + " ")]
    assert redundant == []


# A second pass, written after the families passed the lists above: from a mentor (held), from a
# student (caught), and traps. Two traps were flagged by this round's first rules and narrowed:
# "sos re paciente" after a late train (the degree now has to come with "retrasado"), and "más te
# vale llegar temprano jaja" after a way to the museum (second-person warnings and laughter).
SECOND_PASS_ADULTS = [
    (
        "grooming",
        "oye y tu amá sale tarde del trabajo? así me doy una vuelta por tu casa, tú y yo nomás",
    ),
    ("sexual", "cuéntame, ¿ya te acostaste con tu novio? no le voy a decir a nadie"),
    ("sexual", "mandame una foto en traje de baño de la alberca, te ha de quedar bien"),
    ("sexual", "yo te podría enseñar cosas de adultos, pero que quede entre nosotros"),
    ("sexual", "te explico como se hace pero por dm, aqui no que la revisan"),
]
SECOND_PASS_STUDENTS = [
    ("contact_info", "tenés snap? buscame como mati.10 y dame follow"),
    ("sexual", "pasa el pack bebé, nadie se va a enterar"),
    ("sexual", "mis viejos no van a estar el finde, veni a mi casa y nos portamos mal 😏"),
    (
        "self_harm",
        "a veces pienso que soy un estorbo, mi mamá viviría más tranquila si yo no estuviera",
    ),
    ("self_harm", "ojala ya no me levante nunca, estoy harto de todo"),
    ("self_harm", "quisiera dormirme y no despertar, ya no aguanto"),
    (
        "abuse_disclosure",
        "mi mamá se la pasa encerrada en su cuarto y no hay comida, yo les doy de comer a mis hermanitos con lo que hay",
    ),
    ("abuse_disclosure", "anoche mi padrastro golpeó a mi mamá y nos encerramos en el cuarto"),
    ("abuse_disclosure", "mi apá llegó borracho y rompió todo, nos fuimos a casa de la vecina"),
    ("toxicity", "esa morra es bien retrazada no sabe nada"),
    ("toxicity", "sos un bolita de mierda, volvé a tu país"),
    ("toxicity", "que se cuide ese vato, ya sé por dónde pasa pa su casa"),
]
SECOND_PASS_BENIGN_STUDENT = [
    "no le digas a mi hermana, le estamos preparando una sorpresa para su cumple",
    "mis papás no van a estar, ven a mi casa a ver la película con mi prima",
    "si no me levanto temprano mañana mejor ni voy a la práctica",
    "estoy cansada de todo este proyecto jaja, mañana no me levanto ni loca",
    "en la clase leímos un cuento donde el papá llega borracho y rompe todo",
    "el tren viene retrasado, sos re paciente por esperarme",
    "mi abuelo es negro y mi abuela es judía, somos una familia bien mezclada",
    "ya sé por dónde se va al museo, más te vale llegar temprano jaja",
    "pásame el pack de tareas que nos dejó la profe",
    "me compré un traje de baño para la clase de natación",
    "yo cuido a mis hermanos en la tarde porque mi mamá trabaja",
    "sin mí no hubieran ganado el partido jaja",
    "hoy en historia vimos por qué la gente tenía que irse a vivir a las villas",
]
SECOND_PASS_BENIGN_MENTOR = [
    "El teléfono de orientación es 555-013-7788, extensión 2, en horario escolar",
    "Si te cuesta, te explico cómo se hace la tabla en la sesión, aquí en la plataforma",
    "¿Tu mamá trabaja de noche? Si quieres, la tutoría puede ser a las 4 en la biblioteca",
    "Puedo pasar por tu casa a dejar los libros que me pidió tu mamá, ella va a estar",
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
    if category in ("self_harm", "abuse_disclosure") or "pa su casa" in text:
        assert verdict.priority == "urgent", verdict


@pytest.mark.parametrize("text", SECOND_PASS_BENIGN_STUDENT)
def test_second_pass_student_traps_pass(text):
    assert run(text, STUDENT).action == "deliver"


@pytest.mark.parametrize("text", SECOND_PASS_BENIGN_MENTOR)
def test_second_pass_mentor_traps_pass(text):
    assert run(text, MENTOR).action == "deliver"
