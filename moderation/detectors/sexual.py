# ruff: noqa: E501 (pattern tables are easier to read and review unwrapped)
"""Sexual content and sexual requests. Held: a mentoring conversation has no place for them, and
from an adult to a student they are also grooming (the policy adds that category)."""

from __future__ import annotations

from ..lexicon import Analysis, analyse
from ..normalize import Normalized
from .base import Context, Detector, Finding, Rule, apply_rules, compile_words, find_disguised
from .concepts import ConceptRule, apply_concept_rules

CATEGORY = "sexual"

RULES = (
    Rule(
        compile_words(
            r"(?:nice|hot|sexy|great|beautiful|cute|perfect|amazing) (?:body|figure|legs|butt|curves|lips|chest|boobs)|naked|nude|undress(?:ed|ing)?|lingerie|underwear|in (?:your|ur) bra|(?:sleep|sleeping|in bed) (?:with|next to) (?:me|you|u)|(?:your|ur) body(?! (?:language|paragraph|of work|text))"
        ),
        "sexual talk from an adult to a student",
        CATEGORY,
        score=0.85,
        adult_sender=True,
    ),
    Rule(
        compile_words(
            r"nudes?|noods?|noodz|nudez|nudies|nude (?:pics?|photos?|selfies?)|naked (?:pics?|photos?|selfies?|videos?)|send (?:me )?(?:something )?(?:naked|nude|sexy|spicy|dirty|hot)|"
            r"(?:be|get|got|are you|r u|send) naked|without (?:your|ur) (?:clothes|shirt|pants|bra|underwear)|take (?:off|of) (?:your|ur) (?:clothes|shirt|pants|bra|underwear|top)|"
            r"in (?:your|ur) (?:underwear|bra|panties|bikini)|sext(?:ing|s)?|dick ?pics?|(?:show|see|send) (?:me )?(?:your|ur) (?:body|boobs?|tits|chest|butt|ass|dick|penis|privates?|private parts)|"
            r"(?:have|had|having|want|wanna) sex|sex (?:with|tape)|(?:hook|hooking) up with (?:you|u|me)|make out with (?:you|u|me)|"
            r"horny|porn(?:o|hub)?|blow ?jobs?|hand ?jobs?|orgasm|masturbat\w+|jerk(?:ing)? off|touch (?:your|ur) ?self|touch (?:you|u) (?:there|down there|everywhere)|"
            r"boobs|tits|pussy|boner|sexy (?:body|pics?|photos?)|(?:you'?re|ur|you are) (?:so )?(?:sexy|hot)|(?:sleep|lie) (?:with|next to) (?:you|u|me) (?:tonight|in bed)|"
            r"(?:d|dick|cock|penis) ?pics?|(?:wanna|want to|do you want to) see my (?:d|dick|body|privates?|junk)|(?:look|looks|would look|would look so) (?:good|hot|sexy|cute|nice|great) in (?:a |your |ur )?(?:bikini|swimsuit|bathing suit|underwear|bra|lingerie|panties|thong|short shorts|tight)|lose your virginity|what (?:are|r) (?:you|u) wearing (?:right now|now|tonight|in bed)",
        ),
        "sexual content or request",
        CATEGORY,
        score=0.9,
    ),
)

DISGUISED_TERMS = ("nude", "naked", "sext", "horny", "porn", "boobs", "dickpic", "noods")


# Innuendo and requests as concepts (moderation/lexicons/<lang>/sexual.toml).
CONCEPT_RULES = (
    # Round 10 (moderation/lexicons/<lang>/veiled.toml): revealing clothes seen on a call or in a
    # picture and remarked on, looking older than one's age in a photo, kissing talk and intimate
    # questions from an adult; from anyone: pictures of private parts, what someone says he wants
    # to do to the student in bed.
    ConceptRule(
        "remarks on revealing clothes a student wore on a call or in a picture",
        CATEGORY,
        ("revealing_clothing", ("garment_seen", "photo"), "wow_remark"),
        none_of=("literature",),
        scope="message",
        adult_sender=True,
    ),
    ConceptRule(
        "says a student looks older than their age in a photo",
        CATEGORY,
        ("look_older", ("photo", "garment_seen"), "age_ref"),
        none_of=("literature",),
        scope="message",
        adult_sender=True,
    ),
    ConceptRule(
        "says a student looks older than their age in a photo",
        CATEGORY,
        ("look_of_age", ("photo", "garment_seen")),
        none_of=("literature",),
        scope="message",
        adult_sender=True,
    ),
    ConceptRule(
        "talks about kissing with a student",
        CATEGORY,
        ("kiss_talk",),
        none_of=("literature",),
        adult_sender=True,
    ),
    ConceptRule(
        "asks an intimate question about the body, underwear or sleep",
        CATEGORY,
        ("intimate_question",),
        none_of=("literature",),
    ),
    ConceptRule(
        "pictures of someone's private parts",
        CATEGORY,
        ("private_parts", "photo"),
        none_of=("literature",),
        scope="message",
    ),
    ConceptRule(
        "says what someone wants to do to the student in bed",
        CATEGORY,
        ("wants_do_to_me", ("in_bed", "bed_together", "alone_room", "explicit")),
        none_of=("literature",),
        scope="message",
    ),
    ConceptRule(
        "asks for or describes an intimate photo",
        CATEGORY,
        ("intimate_clothing", ("photo", "looks_good")),
        scope="message",
    ),
    ConceptRule(
        "asks what someone is wearing underneath",
        CATEGORY,
        ("intimate_clothing", "wearing"),
        scope="message",
    ),
    ConceptRule("sexual content", CATEGORY, ("explicit",), none_of=("literature",)),
    ConceptRule(
        "asks a student what they are wearing, for photos",
        CATEGORY,
        ("wearing", "photo"),
        scope="message",
        adult_sender=True,
    ),
    ConceptRule(
        "sexual innuendo",
        CATEGORY,
        ("body_compliment", ("desire", "intimate_clothing")),
        scope="message",
    ),
    ConceptRule(
        "sexual innuendo about clothing",
        CATEGORY,
        ("body_compliment", "revealing_clothing"),
        scope="message",
    ),
    ConceptRule(
        "asks for something sexy", CATEGORY, ("sexy_word", "send_request"), scope="message"
    ),
    ConceptRule(
        "asks a student for a photo of how clothes look on them",
        CATEGORY,
        ("photo", "on_you", "send_request"),
        scope="message",
        adult_sender=True,
    ),
    ConceptRule("an adult wants to kiss a student", CATEGORY, ("kiss_you",), adult_sender=True),
    ConceptRule(
        "asks a student what they have done with a partner",
        CATEGORY,
        ("did_stuff", "partner", "tell_me"),
        none_of=("literature",),
        scope="message",
        adult_sender=True,
    ),
    ConceptRule(
        "innuendo about being in bed together",
        CATEGORY,
        ("bed_together", "imagine"),
        none_of=("literature",),
        scope="message",
    ),
    ConceptRule(
        "an adult speaks of feelings for a student they should not have",
        CATEGORY,
        ("forbidden_feeling",),
        none_of=("literature",),
        adult_sender=True,
        negatable=False,
    ),
    # A dish praised ("¡qué rica la sopa!") or someone's nature ("la consejera es bien buena onda")
    # is no body (lexicons/<lang>/stand_downs.toml).
    ConceptRule(
        "compliments a student's body",
        CATEGORY,
        ("body_compliment",),
        none_of=("food", "good_nature"),
        adult_sender=True,
    ),
    ConceptRule(
        "asks a student about sexual experience",
        CATEGORY,
        ("sex_experience", "tell_me"),
        none_of=("literature",),
        scope="message",
        adult_sender=True,
    ),
    # An adult's innuendo framed by the student's age ("cuando cumplas 18 te voy a enseñar...").
    ConceptRule(
        "age-framed innuendo",
        CATEGORY,
        ("age_frame", "innuendo"),
        none_of=("literature",),
        scope="message",
        adult_sender=True,
    ),
    # What the student wears in bed, or a description of their body, asked by an adult.
    ConceptRule(
        "asks what a student wears in bed or looks like",
        CATEGORY,
        (("wearing", "describe_body"), "in_bed"),
        none_of=("literature",),
        scope="message",
        adult_sender=True,
    ),
    ConceptRule(
        "asks a student to describe what they wear",
        CATEGORY,
        ("wearing", "describe_body"),
        none_of=("literature",),
        scope="message",
        adult_sender=True,
    ),
    ConceptRule(
        "asks a student for a photo in bed or nightwear",
        CATEGORY,
        ("photo", "in_bed", "send_request"),
        none_of=("literature",),
        scope="message",
        adult_sender=True,
    ),
    ConceptRule(
        "asks a student for a photo in revealing clothes",
        CATEGORY,
        ("revealing_clothing", "on_you", ("photo", "send_request")),
        none_of=("literature",),
        scope="message",
        adult_sender=True,
    ),
    # Remarks and innuendo without an explicit word (moderation/lexicons/<lang>/veiled.toml).
    ConceptRule(
        "remarks on a student's body maturing",
        CATEGORY,
        ("body_matured",),
        none_of=("literature", "skill_growth"),
        adult_sender=True,
        negatable=False,
    ),
    ConceptRule(
        "remarks on how clothes show a student's body",
        CATEGORY,
        ("body_sexual", ("clothing", "photo"), "shows_off"),
        none_of=("literature", "play"),
        scope="message",
        adult_sender=True,
    ),
    ConceptRule(
        "asks whether a student thinks of them alone in bed",
        CATEGORY,
        ("think_of_me", ("alone_room", "in_bed")),
        none_of=("literature",),
        scope="message",
        adult_sender=True,
    ),
    ConceptRule(
        "innuendo about a dream of the reader",
        CATEGORY,
        ("dream_of_you", "innuendo_slang"),
        none_of=("literature",),
        scope="message",
    ),
    ConceptRule(
        "offers to show what they have on underneath",
        CATEGORY,
        ("reveal_self", ("want_see", "imagine", "innuendo")),
        none_of=("literature",),
        scope="message",
    ),
    ConceptRule(
        "sexual slang about a person",
        CATEGORY,
        ("sexual_slang", ("attractive", "body_compliment", "staff_target", "people_target")),
        none_of=("literature",),
        scope="message",
    ),
    ConceptRule(
        "says a student wears clothes to be looked at",
        CATEGORY,
        ("wear_intent", ("clothing", "revealing_clothing", "wearing")),
        none_of=("literature",),
        scope="message",
        adult_sender=True,
    ),
    ConceptRule(
        "remarks on how tight a student's clothes are",
        CATEGORY,
        ("tight_fit", ("clothing", "revealing_clothing"), ("looks_good", "shows_off")),
        none_of=("literature", "play"),
        scope="message",
        adult_sender=True,
    ),
    ConceptRule(
        "remarks with wonder on revealing clothes on a student",
        CATEGORY,
        ("revealing_clothing", ("on_you", "looks_good"), "wow_remark"),
        none_of=("literature", "play"),
        scope="message",
        adult_sender=True,
    ),
    ConceptRule(
        "asks what a student does alone in bed or their room",
        CATEGORY,
        ("what_you_do", "alone_room"),
        none_of=("literature",),
        scope="message",
        adult_sender=True,
    ),
    ConceptRule(
        "asks an adult about their sexual experience",
        CATEGORY,
        ("sex_question_adult",),
        none_of=("literature",),
        adult_sender=False,
    ),
    # Round 8's families (docs/moderation.md, "r8").
    ConceptRule(
        "offers to teach a student kissing or more",
        CATEGORY,
        ("teach_you", "intimate_act"),
        none_of=("literature",),
        window=6,
        adult_sender=True,
    ),
    ConceptRule(
        "asks a student for a photo of the whole body",
        CATEGORY,
        # Clothes worn or how they look: a full-length photo of a poster is no request.
        ("photo", "full_body", ("garment", "looks_good", "on_you", "just_for_me", "wearing")),
        none_of=("literature",),
        scope="message",
        adult_sender=True,
    ),
    ConceptRule(
        "offers to send a student something sexual",
        CATEGORY,
        ("offer_send", "sexy_word"),
        none_of=("literature", "food"),
        window=6,
        adult_sender=True,
    ),
    # A student asked for nude pictures, or asking how to send them unrecognised.
    ConceptRule(
        "someone asks for nude pictures",
        CATEGORY,
        ("nudes", ("wants_sent", "hide_face")),
        none_of=("literature",),
        scope="message",
    ),
    # Emoji are tokens of the concept analysis: an adult's eggplant or peach at the reader, or
    # a smirk beside a compliment, a photo, an age or an offer.
    ConceptRule(
        "sexual emoji aimed at a student",
        CATEGORY,
        (
            "lewd_emoji",
            ("you", "photo", "send_request", "offer_send", "sexy_word", "looks_good", "beauty"),
        ),
        none_of=("literature", "food"),
        scope="message",
        adult_sender=True,
        negatable=False,
    ),
    ConceptRule(
        "innuendo by a smirk",
        CATEGORY,
        (
            "smirk",
            (
                "looks_good",
                "beauty",
                "body_compliment",
                "wearing",
                "photo",
                "in_bed",
                "age_frame",
                "romance",
                "teach_you",
                "offer_send",
                "kiss_you",
            ),
        ),
        none_of=("literature",),
        scope="message",
        adult_sender=True,
        negatable=False,
    ),
    # Round 10 (es) (lexicons/es/veiled_r10.toml): undressing asked for on camera (for a game's
    # currency too); someone who showed the student porn and asked to try it.
    ConceptRule(
        "asks someone to undress on camera",
        CATEGORY,
        ("camera_on", ("undressed", "intimate_clothing"), "undress_ask"),
        none_of=("literature",),
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "asks a student to be undressed on camera",
        CATEGORY,
        ("camera_on", "undressed"),
        none_of=("literature",),
        scope="message",
        adult_sender=True,
        negatable=False,
    ),
    ConceptRule(
        "offers a game's currency for the camera",
        CATEGORY,
        ("game_currency", "offered", "camera_on"),
        none_of=("literature",),
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "someone showed a student porn and asked to try it",
        CATEGORY,
        (
            "showed_porn",
            ("porn", "intimate", "explicit"),
            ("try_it", "abuser_adult", "abuser_peer"),
        ),
        none_of=("literature",),
        scope="message",
        negatable=False,
    ),
    # Round 11 (en) (lexicons/en/veiled_r11.toml): an adult telling a student how others will want
    # them, with their growing up, a smirk or their looks; a sexual word for how the student
    # looks in a photo or a video, or more like it asked for; a dare to flash or to show oneself
    # on a camera; a visit while the parents are away that is "not just to study".
    ConceptRule(
        "tells a student how others will want them",
        CATEGORY,
        ("appeal_to_others", ("mature", "body_matured", "smirk", "attractive", "beauty")),
        none_of=("literature",),
        scope="message",
        adult_sender=True,
        negatable=False,
    ),
    ConceptRule(
        "tells a student the boys are all over them",
        CATEGORY,
        ("all_over_you", ("gender_group", "partner"), ("mature", "body_matured", "smirk")),
        none_of=("literature",),
        scope="message",
        window=(8, 40),
        adult_sender=True,
        negatable=False,
    ),
    ConceptRule(
        "calls a student sexy in a photo or a video",
        CATEGORY,
        ("hot_look", ("photo", "more_like")),
        none_of=("literature", "weather", "food"),
        scope="message",
        adult_sender=True,
    ),
    ConceptRule(
        "asks for more photos like a sexy one",
        CATEGORY,
        ("hot_word", "photo", "more_like"),
        none_of=("literature", "weather", "food", "pet"),
        scope="message",
        adult_sender=True,
    ),
    ConceptRule(
        "dares someone to flash or show themselves on camera",
        CATEGORY,
        ("flash_ask", ("video_call", "camera_on", "dare")),
        none_of=("literature", "not_body"),
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "invites a visit while the parents are away, with innuendo",
        CATEGORY,
        (("visit_invite", "pickup"), ("parents_away", "nobody_around"), ("not_just", "smirk")),
        none_of=("literature",),
        scope="message",
        negatable=False,
    ),
    # Round 11 (Spanish) (lexicons/es/veiled_r11.toml): how far the student has gone with a
    # partner, asked by an adult; "el pack" asked for (a pack of stickers or cards is none);
    # "cosas de adultos" taught, or showing how in private away from the watched platform; an
    # invitation home while the parents are away, with innuendo.
    ConceptRule(
        "asks a student how far they have gone with a partner",
        CATEGORY,
        ("how_far", ("romance", "partner", "crush")),
        none_of=("literature", "chore", "play"),
        scope="message",
        adult_sender=True,
        negatable=False,
    ),
    ConceptRule(
        "asks for intimate pictures by their slang name",
        CATEGORY,
        ("pack_slang", ("request_give", "send_request", "wants_sent")),
        none_of=("literature", "pack_of", "safety_advice", "report_staff"),
        scope="message",
    ),
    ConceptRule(
        "offers to teach a student adult things",
        CATEGORY,
        ("teach_you", "adult_topics"),
        none_of=("literature", "life_skill"),
        scope="message",
        adult_sender=True,
        negatable=False,
    ),
    ConceptRule(
        "offers to show a student how, in private, away from the watched platform",
        CATEGORY,
        ("teach_you", "in_private", ("watched", "off_platform", "just_us")),
        none_of=("literature", "life_skill"),
        scope="message",
        adult_sender=True,
        negatable=False,
    ),
    ConceptRule(
        "invites someone home while the parents are away, with innuendo",
        CATEGORY,
        (
            "home_free",
            ("more_than", "innuendo", "intimate_act", "smirk"),
            ("come_home", "visit_invite", "come_over", "home", "dwelling"),
        ),
        none_of=("literature",),
        scope="message",
        negatable=False,
    ),
    # Rounds 13 and 14 (Spanish) (lexicons/es/veiled_r14.toml): a student on how "buena" a
    # teacher or mentor is (estar, not ser: "es bien buena explicando" passes), telling what they
    # did with a partner, a drawing of genitals, a photo of one's own body by its emoji.
    ConceptRule(
        "remarks on how hot a teacher or mentor is",
        CATEGORY,
        ("hot_estar", "adult_figure"),
        none_of=("literature", "food"),
        window=4,
        negatable=False,
    ),
    ConceptRule(
        "tells what they did sexually with a partner",
        CATEGORY,
        ("did_it", ("partner", "romance")),
        none_of=("literature", "chore", "play", "food"),
        scope="message",
    ),
    ConceptRule(
        "draws genitals",
        CATEGORY,
        ("drew", "genital_word"),
        none_of=("literature",),
        window=6,
    ),
    ConceptRule(
        "a photo of a body part by its emoji",
        CATEGORY,
        ("body_emoji", "photo"),
        none_of=("literature", "food"),
        window=4,
        negatable=False,
    ),
    # Rounds 13 and 14 (en) (lexicons/en/veiled_r14.toml): from a student, the mentor's looks
    # measured "for a mentor", offering to show how they look at a bodily moment (out of the
    # shower, after the gym), what they did with a partner told with innuendo or a first time,
    # lewd emoji aimed at the reader, sexual roles asked, something spicy not to be kept; from an
    # adult, romance framed by age ("if I was your age I'd ask you to prom"), clothes that fit the
    # student with their working out, a body compared with others', and what health class does
    # not teach offered.
    ConceptRule(
        "says they would pursue the student if they were the same age",
        CATEGORY,
        ("if_my_age", "pursue"),
        none_of=("literature",),
        scope="message",
        window=14,
        adult_sender=True,
        negatable=False,
    ),
    ConceptRule(
        "remarks on someone's looks for their role",
        CATEGORY,
        ("for_role", ("hot_word", "attractive", "looks_word", "body_compliment"), "you"),
        none_of=("literature",),
        window=(3, 6),
        negatable=False,
    ),
    ConceptRule(
        "calls someone hot as a mentor",
        CATEGORY,
        ("hot_role", "you"),
        none_of=("literature", "weather", "food"),
        window=6,
        negatable=False,
    ),
    ConceptRule(
        "offers to show how they look at a bodily moment",
        CATEGORY,
        ("want_see", "self_look", ("body_moment", "smirk", "undressed")),
        none_of=("literature",),
        scope="message",
        window=(4, 16),
        negatable=False,
    ),
    ConceptRule(
        "tells what they did with a partner, with innuendo",
        CATEGORY,
        ("partner", "did_verb", ("got_heated", "first_time", "smirk", "lewd_emoji")),
        none_of=("literature", "accomplished"),
        scope="message",
        window=(8, 20),
        negatable=False,
    ),
    ConceptRule(
        "lewd emoji aimed at someone",
        CATEGORY,
        ("lewd_strong", ("you", "address_term")),
        none_of=("literature", "food", "emoji_literal"),
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "asks someone's sexual role",
        CATEGORY,
        ("sex_role", ("you", "laughter", "smirk", "in_bed")),
        none_of=("literature", "place_part"),
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "offers something sexual not to be kept",
        CATEGORY,
        ("sexy_word", ("no_screenshot", "offer_send", "photo")),
        none_of=("literature", "food", "not_body"),
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "offers a picture not to be kept",
        CATEGORY,
        (
            "no_screenshot",
            ("photo", "offer_send"),
            ("sexy_word", "smirk", "lewd_emoji", "undressed"),
        ),
        none_of=("literature", "food", "not_body"),
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "remarks on how clothes fit a student's working-out body",
        CATEGORY,
        ("fits_you", ("working_out", "smirk", "body_changing")),
        none_of=("literature", "kit_talk"),
        scope="message",
        adult_sender=True,
        negatable=False,
    ),
    ConceptRule(
        "compares a student's developing body with others'",
        CATEGORY,
        ("body_changing", ("peers_compared", "smirk", "looks_good", "beauty")),
        none_of=("literature", "skill_growth"),
        scope="message",
        adult_sender=True,
        negatable=False,
    ),
    ConceptRule(
        "offers to teach a student what health class does not",
        CATEGORY,
        ("teach_you", "not_taught", "health_class"),
        scope="message",
        adult_sender=True,
        negatable=False,
    ),  # Round 16 (lexicons/<lang>/veiled_r16.toml): a mirror photo asked for by an adult after a
    # bodily moment or to be seen by no one else (one of a mirror painted for art class is none);
    # feet pictures asked for (a length in feet is none); a student telling that they hooked up
    # (a device hooked up, a favour is none); a favourite position asked with a dare, a smirk or
    # laughter (a position on a team is none); an adult's body ogled ("those legs", "esas
    # piernas").
    ConceptRule(
        "asks a student for a mirror photo kept private",
        CATEGORY,
        (
            "mirror_pic",
            ("photo", "send_request", "photo_request"),
            ("body_moment", "unwatched", "just_for_me", "no_screenshot"),
        ),
        none_of=("literature",),
        scope="message",
        adult_sender=True,
        negatable=False,
    ),
    ConceptRule(
        "asks for pictures of feet",
        CATEGORY,
        ("feet_pic", ("photo", "send_request", "request_give", "photo_request")),
        none_of=("literature", "measure"),
        window=5,
    ),
    ConceptRule(
        "tells that they hooked up with someone",
        CATEGORY,
        ("hooked_up",),
        # Lying down to rest ("let me lie down") is no hook-up ("me lié" without its accent).
        none_of=("literature", "hookup_device", "safety_advice", "rest"),
    ),
    ConceptRule(
        "asks someone's favourite sexual position",
        CATEGORY,
        ("position_ask", ("you", "dare", "laughter", "smirk", "address_term", "adult_figure")),
        none_of=("literature", "play", "sport_role"),
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "remarks on an adult's body",
        CATEGORY,
        (
            "body_remark",
            ("adult_figure", "staff_target", "people_target", "hot_estar", "hot_word", "for_role"),
        ),
        none_of=("literature", "food", "play"),
        scope="message",
        negatable=False,
    ),
    # Round 18 (lexicons/<lang>/round18_sexual.toml): oral sex and sex acts in slang, asked about
    # or offered, by a student or an adult ("have you ever given head", "i could go down on you",
    # "te la chupo", "que te la mame", "le hice un oral"); "coger" of sex asked about ("¿te gusta
    # coger?", "¿con cuántas has cogido?"), not of a thing (`_coger_of_a_thing`, `coger_other`).
    # A lesson or a health topic (infections, condoms, the nurse) stands them down, as the other
    # sexual rules stand down in health class: the question is delivered for the mentor to answer
    # or pass to the nurse or the counsellor. The same words in other senses too (a head start,
    # down the list, an oral exam, a lollipop, the fingers).
    ConceptRule(
        "asks about or offers a sex act",
        CATEGORY,
        ("oral_act",),
        none_of=("literature", "health_topic", "sex_act_other"),
        score=0.9,
    ),
    ConceptRule(
        "asks about or offers a sex act",
        CATEGORY,
        ("coger_sex",),
        none_of=("literature", "health_topic", "coger_other"),
        score=0.9,
    ),
)


def _coger_of_a_thing(a: Analysis) -> Analysis:
    """The concepts the sexual rules read: without a "coger" taken or caught right before an
    article or a possessive ("coger el autobús", "¿has cogido mi boli?", "quieres coger la
    pelota"): Spain's sense of the verb, of a thing (round 18)."""
    hits = a.by_concept.get("coger_sex", ())
    if not hits:
        return a
    dets = {h.start for h in a.by_concept.get("object_det", ())}
    of_thing = {h for h in hits if a.tokens[h.end - 1].startswith("cog") and h.end in dets}
    if not of_thing:
        return a
    return a.keeping(lambda h: h not in of_thing)


def _lesson_warning(a: Analysis) -> bool:
    """A lesson's warning ("our health class said never to send nudes"): a class or a story, a
    negation, and no request to send anything."""
    return (
        a.has("literature")
        and a.has("negation")
        and not (a.has("send_request") or a.has("wants_sent") or a.has("not_a_story"))
    )


class SexualContentDetector(Detector):
    name = "sexual"

    def detect(self, text: Normalized, context: Context) -> list[Finding]:
        found = apply_rules(self.name, RULES, text, context)
        if found and _lesson_warning(analyse(text, self.lexicon)):
            found = []
        if not found:
            found = apply_concept_rules(
                self.name,
                CONCEPT_RULES,
                text,
                context,
                self.lexicon,
                analysis=_coger_of_a_thing(analyse(text, self.lexicon)),
            )
        return found or find_disguised(
            self.name, text, DISGUISED_TERMS, CATEGORY, "sexual term spelled out to hide it"
        )
