"""Concept lexicons, language identification and the behaviour built on them."""

import os
import shutil

import pytest
from django.conf import settings

from moderation import lexicon
from moderation.detectors.base import Context
from moderation.detectors.contact import _host_matches
from moderation.lexicon import LexiconError
from moderation.normalize import normalize
from moderation.pipeline import build_pipeline, get_pipeline
from moderation.policy import Verdict
from tests.moderation.families import RULE_DETECTORS

STUDENT = Context(sender_role="student", recipient_roles=("mentor",))
MENTOR = Context(sender_role="mentor", recipient_roles=("student",))


def run(text: str, context: Context = STUDENT) -> Verdict:
    return get_pipeline().run(text, context, include_model=False)


def test_every_lexicon_file_has_a_version_and_the_verdict_names_the_policy_version():
    lex = lexicon.load("", ("en", "es"))
    assert set(lex.versions) >= {"en/harm", "es/harm", "en/grooming", "es/grooming"}
    assert all(isinstance(v, int) for v in lex.versions.values())
    verdict = run("hola, ¿cómo estás?")
    assert verdict.policy_version == lex.version
    assert verdict.policy_version.startswith(f"{lexicon.RULES_VERSION};en,es;lex-")


def test_the_verdict_names_the_language():
    assert run("mi padrastro me pega con el cinturón cuando llega borracho").language == "es"
    assert run("my stepdad hits me with his belt when he gets home drunk").language == "en"
    assert run("ok").language == ""


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("mi padrastro me pega con el cinturón cuando llega borracho", "abuse_disclosure"),
        ("my stepdad me encierra en el cuarto todo el fin de semana", "abuse_disclosure"),
        ("ya no quiero vivir, nada tiene sentido", "self_harm"),
        ("cuantas pastillas se necesitan para no despertar", "self_harm"),
    ],
)
def test_spanish_and_spanglish_disclosures_are_urgent(text, category):
    verdict = run(text)
    assert (verdict.action, verdict.categories, verdict.priority) == ("flag", [category], "urgent")


@pytest.mark.parametrize(
    "text",
    [
        "mañana traigo la pistola de mi papá a la escuela",
        "tomorrow im bringing a knife to school for those kids",
        "gonna stab him at lunch if he says one more thing",
    ],
)
def test_threats_of_violence_at_school_are_urgent(text):
    verdict = run(text)
    assert (verdict.action, verdict.categories, verdict.priority) == (
        "hold",
        ["toxicity"],
        "urgent",
    )


def test_an_insult_is_toxicity_but_not_urgent():
    verdict = run("eres un pinche pendejo")
    assert (verdict.action, verdict.categories, verdict.priority) == (
        "flag",
        ["toxicity"],
        "normal",
    )


@pytest.mark.parametrize(
    "text",
    [
        "mi papá nunca me pega, es muy buena onda",
        "my dad never hits me, he's chill",
        "te mato jaja, me dejaste sin pizza",
        "voy a matar a mi hermano, se comió mis galletas lol",
        "me muero de risa con ese video",
        "en la novela el padrastro golpea a la protagonista",
        "no le digas a mi hermana, es una fiesta sorpresa",
    ],
)
def test_negation_hyperbole_and_stories_pass(text):
    assert run(text).action == "deliver"


@pytest.mark.parametrize(
    "text",
    [
        "soy gay",
        "soy lesbiana y estoy orgullosa",
        "mi mamá es inmigrante",
        "somos mexicanos",
        "soy negro y latino",
        "soy musulmana",
        "soy trans",
        "los judíos celebran januká",
        "I'm gay and Black and Muslim",
        "my mom is Mexican and an immigrant",
    ],
)
def test_identity_terms_never_flag_alone_in_english_or_spanish(text):
    assert run(text).action == "deliver"


def test_a_weak_grooming_signal_does_not_flag_but_rides_on_the_verdict():
    # When the parents get home is a weak signal; when they are at work ("del trabajo") is held
    # since round 16 (test_round16_grooming.py).
    verdict = run("¿A qué hora llegan tus papás?", MENTOR)
    assert verdict.action == "deliver"
    assert [s["signal"] for s in verdict.signals] == ["schedule"]
    assert verdict.reasons == []


def test_the_same_words_from_a_student_carry_no_signal():
    assert run("¿A qué hora llegan tus papás?").signals == []


def test_two_different_weak_signals_in_one_message_hold_it():
    verdict = run("what time does your mom get home? are you home alone till then?", MENTOR)
    assert (verdict.action, verdict.categories) == ("hold", ["grooming"])
    assert sorted(s["signal"] for s in verdict.signals) == ["alone", "schedule"]


def test_spanish_number_words_and_spelled_out_email_are_contact_details():
    assert normalize("tres dos tres, cinco cinco cinco").digits.text == "3 2 3, 5 5 5"
    assert normalize("cincuenta y cinco").digits.text == "5 5"
    assert normalize("once upon a time").digits.text == "once upon a time"
    for text in (
        "textéame al nueve cinco seis, cinco cinco cinco, cero uno tres cuatro",
        "escríbeme: j u a n p arroba hotmail punto com",
    ):
        assert run(text).categories == ["contact_info"], text


def test_school_district_links_of_any_state_are_allowed():
    assert _host_matches("lincolnhs.k12.ca.us", ".k12.*.us")
    assert _host_matches("roosevelt.k12.tx.us", ".k12.*.us")
    assert not _host_matches("k12.ca.us.evil.com", ".k12.*.us")
    context = Context(
        sender_role="student",
        recipient_roles=("mentor",),
        link_allowlist=tuple(settings.MODERATION["LINK_ALLOWLIST"]),
    )
    assert run("la tarea está en https://roosevelt.k12.tx.us/tareas", context).action == "deliver"
    assert run("mira https://roosevelt.k12.tx.evil.com/x", context).action == "hold"


def test_a_third_language_is_added_with_lexicon_files_only(tmp_path):
    for lang in ("en", "es"):
        shutil.copytree(lexicon.DEFAULT_DIR / lang, tmp_path / lang)
    (tmp_path / "pt").mkdir()
    (tmp_path / "pt" / "selfharm.toml").write_text(
        'version = 1\n[concepts]\ndeath_wish = ["quero morrer", "não quero mais viver"]\n',
        encoding="utf-8",
    )
    text = "eu não quero mais viver, ninguém me entende"
    without = build_pipeline(RULE_DETECTORS).run(text, STUDENT)
    assert (without.action, without.categories) == ("deliver", [])
    pipeline = build_pipeline(
        RULE_DETECTORS, languages=("en", "es", "pt"), lexicon_dir=str(tmp_path)
    )
    verdict = pipeline.run(text, STUDENT)
    assert (verdict.action, verdict.categories, verdict.priority) == (
        "flag",
        ["self_harm"],
        "urgent",
    )
    assert verdict.language == "pt"
    assert pipeline.lexicon.versions["pt/selfharm"] == 1


def test_a_lexicon_file_without_a_version_is_refused_at_load(tmp_path):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "x.toml").write_text('[concepts]\nfear = ["scared"]\n')
    with pytest.raises(LexiconError, match="version"):
        lexicon.load(str(tmp_path), ("en",))


def test_a_prefix_shorter_than_three_letters_is_refused(tmp_path):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "x.toml").write_text('version = 1\n[concepts]\nfear = ["sc*"]\n')
    with pytest.raises(LexiconError, match="three letters"):
        lexicon.load(str(tmp_path), ("en",))


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ({"insult": 0.7, "sexual_explicit": 0.2}, True),
        ({}, True),
        ({"insult": 1.5}, False),
        ({"insult": "high"}, False),
        ({"insult": True}, False),
        (["insult", 0.5], False),
        ({"in sult": 0.5}, False),
    ],
)
def test_district_label_thresholds_are_validated(value, ok):
    from django.core.exceptions import ValidationError

    from moderation.models import validate_label_thresholds

    if ok:
        validate_label_thresholds(value)
    else:
        with pytest.raises(ValidationError):
            validate_label_thresholds(value)


# Round 4: concept families, texting spellings and lemma aids (docs/moderation.md, "Rounds").
# Phrasings here are not the round's own lines: each stands for the family a miss belonged to.


def test_texting_spellings_are_read_as_the_words_they_stand_for():
    lex = lexicon.load("", ("en", "es"))
    analysis = lexicon.analyse(normalize("nadien sabe q kiero irme, no ai nada de comer"), lex)
    assert {"negation", "intent", "no_food"} <= set(analysis.by_concept)
    assert not lexicon.analyse(normalize("nadie sabe, no hay"), lex).has("intent")
    assert lex.spellings["kiero"] == frozenset({"quiero"})
    assert lex.spellings["ai"] == frozenset({"hay"})
    verdict = run("nadien en mi casa me kiere, ya no kiero vivir")
    assert (verdict.action, verdict.categories, verdict.priority) == (
        "flag",
        ["self_harm"],
        "urgent",
    )


def test_lemma_aids_read_spanish_verbs_typed_without_accents_or_with_pronouns_attached():
    lex = lexicon.load("", ("en", "es"))
    assert "lastimar" in lexicon.lemmas("lastimarme", lex.languages, lex.aids)
    assert "golpear" in lexicon.lemmas("golpeandome", lex.languages, lex.aids)
    assert "pegar" in lexicon.lemmas("pego", lex.languages, lex.aids)
    assert "salir" in lexicon.lemmas("salio", lex.languages, lex.aids)
    # Without the aids the lemmatiser alone misses them; nouns are left alone either way.
    assert "lastimar" not in lexicon.lemmas("lastimarme", lex.languages)
    assert "pegar" not in lexicon.lemmas("pego", lex.languages)
    assert lexicon.lemmas("casa", lex.languages, lex.aids) == frozenset({"casa"})
    assert lexicon.lemmas("hermanos", lex.languages, lex.aids) == frozenset({"hermanos", "hermano"})
    verdict = run("mi padrastro siempre quiere lastimarme")
    assert (verdict.action, verdict.categories, verdict.priority) == (
        "flag",
        ["abuse_disclosure"],
        "urgent",
    )


def test_spellings_and_lemma_aids_are_data_of_a_language_folder(tmp_path):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "selfharm.toml").write_text(
        'version = 1\n[concepts]\ndeath_wish = ["want to die"]\n', encoding="utf-8"
    )
    (tmp_path / "en" / "spelling.toml").write_text(
        'version = 1\n[spellings]\nwnt = "want"\n[lemma_aids]\nfinal_accent = false\n',
        encoding="utf-8",
    )
    lex = lexicon.load(str(tmp_path), ("en",))
    assert lex.versions["en/spelling"] == 1
    assert lex.aids == (lexicon.LemmaAid("en"),)
    assert lexicon.analyse(normalize("i wnt to die"), lex).has("death_wish")
    assert not lexicon.analyse(normalize("i wint to die"), lex).has("death_wish")


def test_a_spelling_of_more_than_one_word_is_refused_at_load(tmp_path):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "x.toml").write_text(
        'version = 1\n[spellings]\nidk = "i do not know"\n', encoding="utf-8"
    )
    with pytest.raises(LexiconError, match="one word"):
        lexicon.load(str(tmp_path), ("en",))


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("mi tío me hace cosas que no me gustan cuando no hay nadie", "abuse_disclosure"),
        ("my stepbrother keeps coming into my room at night", "abuse_disclosure"),
        ("tengo un moretón en el brazo y tuve que mentir en la escuela", "abuse_disclosure"),
        ("sigo con la navaja en la mano, me aguanto pero cada vez cuesta más", "self_harm"),
        ("I keep fighting the urge to grab the blade again", "self_harm"),
        ("dejé cartas para mis hermanos por si algo me pasa", "self_harm"),
    ],
)
def test_round_4_families_of_disclosure_are_urgent(text, category):
    verdict = run(text)
    assert (verdict.action, verdict.categories, verdict.priority) == ("flag", [category], "urgent")


@pytest.mark.parametrize(
    "text",
    ["dile a tu prima que no vaya a la escuela el lunes", "tell him he shouldn't come to school"],
)
def test_a_warning_to_stay_away_from_school_is_urgent_in_either_language(text):
    verdict = run(text)
    assert (verdict.action, verdict.categories, verdict.priority) == (
        "hold",
        ["toxicity"],
        "urgent",
    )


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("mejor no le comentes a tu mamá lo que hablamos", "grooming"),
        ("I'd prefer you didn't tell your parents about our chats", "grooming"),
        ("te mando dinero para que hablemos sin que tus papás se enteren", "grooming"),
        ("¿alguna vez has hecho algo sexual con tu novio?", "sexual"),
    ],
)
def test_round_4_families_from_an_adult_are_held(text, category):
    verdict = run(text, MENTOR)
    assert verdict.action == "hold"
    assert category in verdict.categories
    # The same words from a student to a mentor hold nothing for grooming.
    if category == "grooming":
        assert "grooming" not in run(text).categories


@pytest.mark.parametrize(
    ("text", "context"),
    [
        ("mañana me toca ir con mi papá al doctor", STUDENT),
        ("mi abuela hace cosas ricas cuando mi mamá no está", STUDENT),
        ("tengo ganas de usar mis tijeras nuevas para el proyecto de arte", STUDENT),
        ("my friend wrote a goodbye letter to our teacher who is retiring", STUDENT),
        ("my cousin came into my room and took my charger", STUDENT),
        ("I told the nurse I have a bruise from volleyball", STUDENT),
        ("my teacher told us not to come to school on Friday, it's a teacher workday", STUDENT),
        ("dile a mi hermano que no venga a la escuela el viernes porque no hay clases", STUDENT),
        ("You can always talk to the counselor without your parents knowing", MENTOR),
        ("Keep the surprise party a secret from your sister until Saturday!", MENTOR),
    ],
)
def test_round_4_benign_traps_pass(text, context):
    verdict = run(text, context)
    assert (verdict.action, verdict.categories) == ("deliver", [])


# Round 5's kinds of misses, fixed after its before-numbers were recorded.


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("mi padrastro me pone de rodillas en el patio cuando se enoja", "abuse_disclosure"),
        ("my mom's roommate spies on me when i'm in the shower", "abuse_disclosure"),
        ("el novio de mi tía se me queda viendo cuando me estoy cambiando", "abuse_disclosure"),
        ("mi compa dice que se quiere aventar de la azotea de su edificio", "self_harm"),
        ("me estoy rayando los brazos con el compás otra vez", "self_harm"),
        ("ya no quiero existir, estoy cansada de todo", "self_harm"),
    ],
)
def test_round_5_families_of_disclosure_are_urgent(text, category):
    verdict = run(text)
    assert (verdict.action, verdict.categories, verdict.priority) == ("flag", [category], "urgent")


@pytest.mark.parametrize(
    "text",
    [
        "neta va a haber un tiroteo en la escuela el lunes, no es broma",
        "there's gonna be a massacre at school monday, not joking",
    ],
)
def test_an_attack_announced_at_school_is_urgent_even_said_to_be_no_joke(text):
    verdict = run(text)
    assert (verdict.action, verdict.categories, verdict.priority) == (
        "hold",
        ["toxicity"],
        "urgent",
    )


def test_a_voseo_insult_is_toxicity():
    verdict = run("sos un inútil, no servís ni para eso")
    assert (verdict.action, verdict.categories, verdict.priority) == (
        "flag",
        ["toxicity"],
        "normal",
    )


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("¿por qué no te invito a comer, solo nosotros, sin el grupo?", "grooming"),
        ("send me a selfie in that dress, it must look amazing on you", "sexual"),
    ],
)
def test_round_5_families_from_an_adult_are_held(text, category):
    verdict = run(text, MENTOR)
    assert verdict.action == "hold"
    assert category in verdict.categories


@pytest.mark.parametrize(
    ("text", "context"),
    [
        ("mi amigo se va a tirar en paracaídas en sus vacaciones", STUDENT),
        ("there's gonna be a shooting drill at school tomorrow, they told us in homeroom", STUDENT),
        ("mi mamá me ve cuando me cambio de escuela y me apoya siempre", STUDENT),
    ],
)
def test_round_5_benign_traps_pass(text, context):
    verdict = run(text, context)
    assert (verdict.action, verdict.categories) == ("deliver", [])


# Round 6 (English): each family written as a concept, tested on phrasings that are neither in the
# round nor in its held-out batch.
@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("honestly whats the point of waking up every day", "self_harm"),
        ("i was on the roof of the parking garage and almost let myself fall", "self_harm"),
        ("you probably won't hear from me again after tonight", "self_harm"),
        ("if you dont hear from me this weekend it means i actually did it", "self_harm"),
        ("i had 40 days clean and then i grabbed the razor again", "self_harm"),
        ("my cousin touches me when we're alone and it feels wrong", "abuse_disclosure"),
        ("my stepdad walks into my room after bedtime and shuts the door", "abuse_disclosure"),
    ],
)
def test_round_6_families_of_disclosure_are_urgent(text, category):
    verdict = run(text)
    assert (verdict.action, verdict.categories, verdict.priority) == ("flag", [category], "urgent")


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("everything on this app gets logged, message me on my cell instead", "grooming"),
        ("so have you fooled around with a guy yet? i'm just curious", "sexual"),
        ("i've got feelings for you that a mentor shouldn't have", "sexual"),
    ],
)
def test_round_6_families_from_an_adult_are_held(text, category):
    verdict = run(text, MENTOR)
    assert verdict.action == "hold"
    assert category in verdict.categories


def test_round_6_innuendo_about_a_bed_is_held_from_anyone():
    verdict = run("wish you were in bed with me rn 😉")
    assert (verdict.action, verdict.categories) == ("hold", ["sexual"])


def test_a_weapon_with_a_threat_to_people_is_urgent_without_naming_school():
    verdict = run("got my uncle's pistol in my backpack, the ones who jumped me will be sorry")
    assert (verdict.action, verdict.categories, verdict.priority) == (
        "hold",
        ["toxicity"],
        "urgent",
    )


@pytest.mark.parametrize(
    ("text", "context"),
    [
        ("at this point in my life i just want to pass driver's ed", STUDENT),
        ("i updated my phone number with the main office today", STUDENT),
        ("what's your locker number? i'll leave the book there", MENTOR),
        ("Don't ever give out your home address to people in a game chat.", MENTOR),
        ("this algebra quiz makes me want to die lmao", STUDENT),
        ("gave my brother's old clothes to the thrift store, he won't need them", STUDENT),
        ("my best friend is such a goofball lol", STUDENT),
        ("i finally did it, i got my learner's permit!!", STUDENT),
        ("i relapsed and ate junk food again lol", STUDENT),
        ("I'm bringing my camera to the game, everyone who comes gets a photo", STUDENT),
        ("What would you do if you were principal for a day?", MENTOR),
    ],
)
def test_round_6_benign_traps_pass(text, context):
    verdict = run(text, context)
    assert (verdict.action, verdict.categories) == ("deliver", [])


def test_after_a_pronoun_a_spanish_word_is_read_as_the_verb_it_can_be_a_form_of():
    lex = lexicon.load("", ("en", "es"))

    def forms(text: str) -> set[str]:
        a = lexicon.analyse(normalize(text), lex)
        return set().union(*(lexicon.lemmas(t, lex.languages, lex.aids) for t in a.tokens))

    # The lemmatiser reads these as nouns or does not know them.
    assert "amarrar" not in lexicon.lemmas("amarra", lex.languages)
    assert "aventar" not in lexicon.lemmas("avienta", lex.languages)
    a = lexicon.analyse(normalize("mi tío me amarra, le avienta cosas y me sacude"), lex)
    assert a.has("harm_act")
    found = [lexicon.clitic_verb_lemmas(w, lex.aids[-1]) for w in ("amarra", "avienta", "sacude")]
    assert [sorted(f) for f in found] == [["amarrar"], ["aventar"], ["sacudir"]]
    # An article is no pronoun: "la casa" stays a house.
    assert "casar" not in forms("la casa de mi tía")
    # Listed forms: "pienso" is the verb, "doy" is "dar" although it is short.
    assert {"pensar", "dar"} <= forms("pienso que le doy")


# Round r6-es's families, on phrasings other than the round's (the round's own lines are in
# tests/moderation/rounds/): each of these passed unflagged before the families were added.
@pytest.mark.parametrize(
    ("text", "context", "action", "category", "priority"),
    [
        ("estoy pensando en ahorcarme", STUDENT, "flag", "self_harm", "urgent"),
        ("ya no le encuentro sentido a seguir viviendo", STUDENT, "flag", "self_harm", "urgent"),
        (
            "díganle a mis hermanos que los quiero, gracias por todo",
            STUDENT,
            "flag",
            "self_harm",
            "urgent",
        ),
        (
            "mi cel es pa mi prima, donde voy ya no lo voy a necesitar",
            STUDENT,
            "flag",
            "self_harm",
            "urgent",
        ),
        (
            "tengo guardado el cuchillo para cuando ya no pueda más",
            STUDENT,
            "flag",
            "self_harm",
            "urgent",
        ),
        ("la niñera me amarra a la silla", STUDENT, "flag", "abuse_disclosure", "urgent"),
        ("el esposo de mi tía me arrastra del pelo", STUDENT, "flag", "abuse_disclosure", "urgent"),
        (
            "mi novio me sacude y me tapa la boca pa que no grite",
            STUDENT,
            "flag",
            "abuse_disclosure",
            "urgent",
        ),
        (
            "¿vas a estar solita el sábado? paso por tu casa un rato",
            MENTOR,
            "hold",
            "grooming",
            "high",
        ),
        ("eres mi alumna favorita, no dejo de pensar en ti", MENTOR, "hold", "grooming", "high"),
        (
            "¿alguien más ve lo que escribimos? ¿tu papá checa tu celular?",
            MENTOR,
            "hold",
            "grooming",
            "high",
        ),
        ("cuéntame, ¿ya le diste un beso a tu novio?", MENTOR, "hold", "sexual", "high"),
        ("quisiera verte en traje de baño", MENTOR, "hold", "sexual", "high"),
        ("vamos a incendiar el gimnasio con todos adentro", STUDENT, "hold", "toxicity", "urgent"),
        ("al profe de mate le voy a disparar mañana", STUDENT, "hold", "toxicity", "urgent"),
        ("pinche indio, regrésate a tu rancho", STUDENT, "flag", "toxicity", "high"),
        ("si le dices a alguien te rompo la madre", STUDENT, "flag", "toxicity", "urgent"),
    ],
)
def test_spanish_concept_families_of_round_six(text, context, action, category, priority):
    verdict = run(text, context)
    assert (verdict.action, category in verdict.categories, verdict.priority) == (
        action,
        True,
        priority,
    ), verdict.reasons


@pytest.mark.parametrize(
    ("text", "context"),
    [
        # Idioms: "pegar un susto" (the one that failed before), "morir de vergüenza".
        ("mi mamá me pegó un susto cuando llegó", STUDENT),
        ("me muero de vergüenza, me tropecé en la cafetería", STUDENT),
        ("mi tío me amarra las agujetas", STUDENT),
        ("no tiene sentido seguir con el proyecto si nadie ayuda", STUDENT),
        ("le regalé mi play viejo a mi primo porque ya tengo el nuevo", STUDENT),
        ("ojalá no llueva mañana para el partido", STUDENT),
        # Identity words alone, and a slur quoted in a history lesson.
        ("soy indígena y hablo mixteco con mi abuela", STUDENT),
        ("los gays también son hijos de dios", STUDENT),
        ("en historia nos explicaron que a los migrantes les decían mojados", STUDENT),
        # One weak signal is no hold.
        ("¿tu mamá ve tus calificaciones en el portal?", MENTOR),
        ("pienso en ti cuando leo ese libro, te va a gustar", MENTOR),
    ],
)
def test_spanish_traps_of_round_six_pass(text, context):
    verdict = run(text, context)
    assert verdict.action == "deliver", verdict.reasons


def test_the_policy_version_is_the_same_in_every_process():
    """The version stored on each verdict names the lexicon's content, not the process: Python
    orders sets differently per process (hash randomisation), and a server restart must not
    look like a policy change."""
    import subprocess
    import sys

    code = "from moderation import lexicon; print(lexicon.load().version)"
    versions = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2", "3")
    }
    assert len(versions) == 1, versions
