# ruff: noqa: E501 (pattern tables are easier to read and review unwrapped)
"""Contact details and moves off the platform: phone numbers, e-mail addresses, street addresses,
social-media handles and messaging apps, links outside the district's allowlist, and requests for
any of these. Everything here is held: the program exists so that these conversations stay where
staff can see them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import phonenumbers

from ..lexicon import Analysis, analyse
from ..normalize import Normalized
from .base import Context, Detector, Finding, Rule, apply_rules, compile_words, find_disguised
from .concepts import ConceptRule, apply_concept_rules, reporting_advice

CATEGORY = "contact_info"

# Three-digit services people are told to call: crisis lines and emergencies are not contact info.
SERVICE_NUMBERS = {"911", "988", "211", "311", "411", "511", "611", "711", "811"}
# Nationwide helplines (toll-free), also fine to share: e.g. the national child abuse hotline.
TOLL_FREE_PREFIXES = ("800", "833", "844", "855", "866", "877", "888")

# Where people write to each other; a mention of these with an action or a handle is a move.
CHAT_APPS = (
    r"insta(?:gram)?|ig|snap(?:chat)?|tik ?tok|discord|whats ?app|telegram|signal|kik|"
    r"face ?book|fb|messenger|twitter|we ?chat|skype|face ?time|imessage|viber|groupme|"
    r"group me|google chat|hangouts|wickr|threema|bereal|steam|xbox|psn|roblox|twitch|reddit"
)
CONTACT_NOUNS = (
    r"(?:phone|cell|mobile|home|house|cell ?phone)? ?(?:number|num|#|digits)|phone|cell|"
    r"e-?mail(?: address)?|gmail|address|addy|handle|user ?name|gamer ?tag|tag|profile|account|"
    r"snap(?:chat)?|insta(?:gram)?|ig|discord|whats ?app|tik ?tok|kik|telegram|signal|fb|"
    r"facebook|socials?|location"
)
# What "my ... is" gives away: not "my phone is broken" or "my account is locked".
SHARED_NOUNS = (
    r"(?:phone|cell|mobile|home|house|cell ?phone) ?(?:number|num|#)|number|digits|"
    r"e-?mail(?: address)?|gmail|address|addy|handle|user ?name|gamer ?tag|tag|"
    r"snap(?:chat)?|insta(?:gram)?|ig|discord|whats ?app|tik ?tok|kik|telegram|signal"
)
ACTION_VERBS = (
    r"add|follow|dm|pm|message|msg|text|txt|call|ring|phone|hit|hmu|find|friend|chat|talk|"
    r"facetime|snap|ping|reach|contact|write|send|message|join|catch|meet|video ?chat|vc"
)

RULES = (
    Rule(
        compile_words(
            rf"(?:what(?:'?s| is| are)|whats|wats|wuts|send|give|gimme|share|drop|post|tell|"
            rf"dm|pm|text|need|want|have|got|get|can i (?:get|have)|could i (?:get|have)|"
            rf"may i (?:get|have)|do you have|u got|you got|do u have|let me know|tell me|lemme know|"
            rf"lemme have|remind me of|send over) (?:me )?(?:your|ur|yer|"
            rf"you're|youre) (?:own |personal |private |real |home |new )?"
            rf"(?:{CONTACT_NOUNS})"
        ),
        "asks for contact details",
        CATEGORY,
    ),
    Rule(
        compile_words(
            rf"(?:my|mine|our) (?:own |personal |private |real |home |new )?(?:{SHARED_NOUNS})"
            rf"(?: is| are|:|'s| -| =)"
        ),
        "shares contact details",
        CATEGORY,
    ),
    Rule(
        compile_words(
            rf"(?:{ACTION_VERBS})(?: me| you| us| u| each other)?(?: up)? (?:on|in|at|via|over|"
            rf"thru|through|using) (?:my |your |ur |the )?(?:{CHAT_APPS})"
        ),
        "moves the conversation to another app",
        CATEGORY,
    ),
    Rule(
        compile_words(
            rf"(?:are you|r u|you|u|do you|do u|you're|youre) (?:on|use|have|got|active on) "
            rf"(?:{CHAT_APPS})|(?:got|have|use|on) (?:{CHAT_APPS})(?= *\?)"
        ),
        "asks whether the other person uses a messaging app",
        CATEGORY,
    ),
    Rule(
        compile_words(
            rf"(?:{CHAT_APPS})(?:\s*[:=\-]\s*|\s+(?:is|as|name|handle|tag|id|user ?name)\s*:?\s*|\s+)@?"
            r"(?=[a-z0-9._]*[a-z])(?=[a-z0-9._]*[\d._])[a-z0-9._]{2,}[a-z0-9_]"
        ),
        "gives a handle on a messaging app",
        CATEGORY,
        view="folded",
    ),
    Rule(
        compile_words(
            r"(?:text|txt|facetime|phone|snap|snapchat|whatsapp|kik|discord|insta|ig|telegram|imessage|skype|dm|pm) (?:me|you|u)(?: (?:tonight|later|sometime|anytime|when|after|tomorrow|on|at|this|back|asap|rn|now|later))?(?!\w)(?! (?:the|a|an|your|my|his|her|if|that|what|when)\b)|(?:call|ring) (?:me|you|u) "
            r"(?:at|on|tonight|later|sometime|anytime|when|whenever|after|if|this|tomorrow|"
            r"tmrw|after school)"
        ),
        "asks to talk outside the platform",
        CATEGORY,
        score=0.8,
    ),
    Rule(
        compile_words(
            rf"(?:send|give|text|dm|pm|share|drop|leave|pass|write down|slip) (?:you|u|ya) (?:my|our) "
            rf"(?:own |personal |private |real |home |new )?(?:{SHARED_NOUNS}|cell|phone|contact(?: info)?|info|socials?)",
            rf"(?:here'?s|here is|this is|heres|take|save|add) my (?:own |personal |private |real |home |new )?(?:{SHARED_NOUNS}|cell|contact(?: info)?|socials?)",
            r"let'?s (?:facetime|snap|snapchat|text|video ?chat|video ?call|dm|skype|whatsapp|discord)",
            rf"(?:let'?s|we should|we could|can we|could we|why don'?t we|how about we|we can) (?:just )?(?:use|switch to|move to|go on|go to|talk on|chat on|try|download|get) (?:{CHAT_APPS})",
            rf"my (?:{SHARED_NOUNS}) (?:on|for) (?:{CHAT_APPS}) (?:is|:)",
        ),
        "offers contact details",
        CATEGORY,
    ),
    Rule(
        compile_words(
            r"(?:better|another|other|different|easier|faster|private|direct|quicker|personal) (?:way|place|app|number|means) (?:to|i can|we can|for me to|of) (?:reach|contact|text|call|message|talk to|get (?:a )?hold of|talk|chat|reaching|contacting)",
            r"(?:how|where) (?:else )?(?:can|could|do|should) (?:i|we) (?:reach|contact|text|call|message|get (?:a )?hold of) (?:you|u)(?: (?:outside|after|when|besides|other than|off|instead))",
            r"(?:talk|chat|speak|catch up) (?:on|over|by) the phone|(?:phone|video) call (?:me|you|instead|later|tonight)|call each other",
        ),
        "proposes another way to talk",
        CATEGORY,
    ),
    Rule(
        compile_words(
            r"(?:your|ur) @|(?:drop|send|give|what'?s|post) (?:me )?(?:your|ur) (?:@|handle|user ?name|tag|account)"
        ),
        "asks for a handle",
        CATEGORY,
        view="folded",
    ),
    Rule(
        compile_words(
            r"(?:tell me|let me know|i want to know|i wanna know|curious|wondering|share|text me|send me|say|ask) (?:\w+ )?where (?:you|u|ya) (?:live|stay|sleep)|where (?:exactly )?(?:you|u) live",
        ),
        "asks where the other person lives",
        CATEGORY,
    ),
    Rule(
        compile_words(
            r"(?:do|does) (?:you|u|ya) live (?:near|by|close to|around|on|in|next to|off|over by)|which (?:house|apartment|building|one) is (?:yours|your house)|which house",
        ),
        "asks where the other person lives",
        CATEGORY,
    ),
    Rule(
        compile_words(
            r"(?:what'?s|what is|tell me|give me|send me) (?:your|ur) (?:last|full|real|sur|middle) ?name",
            r"(?:talk|chat|meet|hang out|message|text|call|connect|keep in touch)(?: \w+){0,3} outside (?:of )?(?:here|this app|the app|the program|this site|this chat|the site)",
        ),
        "asks for identifying details or contact outside the program",
        CATEGORY,
    ),
    Rule(
        compile_words(
            r"(?:what|which) (?:bus stop|stop|corner|street|intersection|exit|station|route|way) (?:do|does|did) (?:you|u) (?:get off|get on|wait|walk|take|use|come home)",
        ),
        "asks where the other person can be found",
        CATEGORY,
    ),
    Rule(
        compile_words(
            r"(?:i|we) live(?: [\w']+){0,6}? (?:on|at|off) [\w']+ (?:street|st|avenue|ave|road|rd|lane|ln|drive|dr|court|ct|way|blvd|boulevard|place|pl|terrace|circle)",
        ),
        "gives a home address",
        CATEGORY,
        view="folded",
    ),
    Rule(
        compile_words(
            rf"(?:i'?m|i am) (?:always |usually |mostly )?on (?:{CHAT_APPS})(?= .*\b(?:talk|chat|message|dm|text|add|follow|find|reach|hmu|hit me up)\b)",
        ),
        "invites the other person to another app",
        CATEGORY,
    ),
    Rule(
        compile_words(
            r"(?:i'?m|i am|we'?re|we are) (?:staying|sleeping|living) (?:at|in) (?:the |a )?(?:[\w']+ ){0,2}(?:motel|hotel|inn|shelter|apartments?|trailer park|complex)",
        ),
        "says where someone is staying",
        CATEGORY,
    ),
    Rule(
        compile_words(
            r"(?:my|our) (?:apartment|apt|unit|house|room|flat) (?:is|number is|#|no\.?) ?(?:number )?[a-z]?\d+[a-z]?",
        ),
        "gives a home address",
        CATEGORY,
    ),
    Rule(
        compile_words(
            r"(?:what|which) (?:neighbou?rhood|street|road|building|apartment|apt|part of town|block|complex|house|floor) (?:do|does|did) (?:you|u|ya|your family) (?:live|stay)|where (?:exactly )?(?:is|'s) (?:your|ur) (?:house|home|place|apartment|apt|room)|"
            r"where (?:do|d'?) ?(?:you|u|ya) (?:live|stay|sleep)|where(?:'s| is) your (?:house|"
            r"home|apartment|place)|what(?:'s| is) your (?:home |street |house )?address|"
            r"what street|which street|what (?:neighbou?rhood|building|apartment|apt|part of "
            r"town)|send (?:me )?(?:your|ur) (?:location|address|pin)|share (?:your|ur) location|"
            r"(?:turn on|drop) (?:your|ur) location"
        ),
        "asks where the other person lives",
        CATEGORY,
    ),
    Rule(
        compile_words(
            r"i live (?:on|at|off|near|by|right by) (?:the corner of |\d+\w* (?:and|&|street|st|ave|avenue|road|rd)|\w+ (?:and|&) \w+|\w+ (?:street|st|avenue|ave|road|rd|lane|drive|blvd|court|way)\b)|(?:apartment|apt|house|building|place) (?:above|next to|behind|across from|right by|over) the|"
            r"i live (?:at|on|in) (?:the )?\d+|i live (?:on|at) [a-z]+ (?:street|st|avenue|ave|"
            r"road|rd|lane|ln|drive|dr|court|ct|boulevard|blvd|way|place|pl)|my (?:home |house |"
            r"street )?address(?: is|:)|i(?:'m| am) in (?:apartment|apt|unit) \w+"
        ),
        "gives a home address",
        CATEGORY,
        view="folded",
    ),
    Rule(
        re.compile(r"(?<![\w.@])@[a-z0-9_](?:[a-z0-9_.]{2,29})(?![\w@])"),
        "contains a social-media handle",
        CATEGORY,
        score=0.8,
        view="folded",
    ),
    Rule(
        re.compile(r"\b[a-z0-9_.]{2,32}#\d{4}\b"),
        "contains a gaming or chat tag",
        CATEGORY,
        view="folded",
    ),
)

_EMAIL = re.compile(r"(?<![\w.+-])[a-z0-9][a-z0-9._%+-]*@[a-z0-9-]+(?:\.[a-z0-9-]+)+")
# "name at domain dot com", "name (at) domain (dot) com", "name @ domain . com".
# Spanish too: "juan arroba gmail punto com".
_AT = r"(?:\s*[(\[{<]\s*(?:at|arroba|@)\s*[)\]}>]\s*|\s+(?:at|arroba)\s+|\s*@\s*)"
_DOT = r"(?:\s*[(\[{<]\s*(?:dot|punto|\.)\s*[)\]}>]\s*|\s+(?:dot|punto)\s+|\.|\s+\.\s+)"
_LOCAL_SEP = (
    r"(?:\s+(?:dot|underscore|dash|hyphen)\s+|\s*[(\[]\s*(?:dot|underscore|dash)\s*[)\]]\s*)"
)
_SPELLED_EMAIL = re.compile(
    rf"(?<![\w.+-])[a-z0-9][a-z0-9._%+-]*(?:{_LOCAL_SEP}[a-z0-9][a-z0-9._%+-]*)*"
    rf"{_AT}[a-z0-9-]+(?:{_DOT}[a-z0-9-]+)+"
)
_DOT_SPLIT = re.compile(_DOT)
_AT_WORD = re.compile(r"(?<!\w)(?:at|arroba)(?!\w)|@")
_EMAIL_TLDS = {
    "com", "net", "org", "edu", "gov", "io", "co", "us", "me", "info", "biz", "uk", "ca", "mx",
    "de", "fr", "es", "it", "nl", "au", "in", "ru", "cn", "jp", "br", "app", "dev", "ai",
    "xyz", "online", "site", "email", "mail", "live", "icloud", "gmail",
}  # fmt: skip
_EMAIL_PROVIDERS = re.compile(
    r"\b(?:(?:my|your|ur|personal|private) (?:gmail|g mail|hotmail|yahoo|icloud|aol|proton ?mail|"
    r"outlook (?:email|address|account))|(?:gmail|hotmail|yahoo|icloud|proton ?mail) "
    r"(?:account|address|is)|(?:email|e-mail|mail) me|"
    r"[a-z0-9]\w* (?:at|arroba) (?:gmail|hotmail|yahoo|outlook|icloud|aol|proton ?mail))\b"
)

# Addresses a school district issues and monitors (a student's or a teacher's school account):
# a state's K-12 domain, or a district's own domain named as one ("springfieldisd.org",
# "students.edinburgisd.org", "lausd.net", "fairfaxschools.org"). Writing one to a mentor keeps
# the talk on an account the district watches, so it is no contact detail to hold.
_SCHOOL_EMAIL_DOMAIN = re.compile(
    r"(?:^|\.)(?:k12\.[a-z]{2}\.us|k12\.us|[a-z0-9-]*(?:isd|cisd|usd|unified|schools|k12)\.(?:org|net|us|edu|com))$"
)


# Round 11 (Spanish): a school's own domain names the school first ("escuelajuarez.org",
# "colegiosanmartin.edu", "secundaria12.edu.mx"), on an education or organisation domain.
_SCHOOL_EMAIL_DOMAIN_ES = re.compile(
    r"(?:^|\.)(?:escuela|colegio|liceo|prepa|preparatoria|secundaria|primaria|instituto)"
    r"[a-z0-9-]*\.(?:edu|org|net|us)(?:\.[a-z]{2})?$"
)


def _school_address(address: str) -> bool:
    domain = re.split(r"\s*(?:@|\bat\b|\barroba\b)\s*", address)[-1]
    domain = _DOT_SPLIT.sub(".", domain).strip(". ")
    return (
        _SCHOOL_EMAIL_DOMAIN.search(domain) is not None
        or _SCHOOL_EMAIL_DOMAIN_ES.search(domain) is not None
    )


def school_addresses_only(text: Normalized) -> bool:
    """The message writes out e-mail addresses, and every one is on a school domain (the rules
    hold none of them: a school account is one the district watches)."""
    found = [m.group(0) for m in _EMAIL.finditer(text.folded.text)]
    return bool(found) and all(_school_address(address) for address in found)


_URL = re.compile(
    r"(?:\bhttps?://|\bwww\.)[^\s<>\"']+|(?<![@\w.-])(?:[a-z0-9-]+\.)+(?:com|net|org|io|gg|me|"
    r"ly|co|app|edu|gov|us|tv|xyz|link|site|online|info|biz|chat|social|club|fm|live|page|"
    r"dev|ai|uk|ca)\b(?:/[^\s<>\"']*)?"
)
# Long names of apps that someone spelled with gaps or symbols to slip past a filter.
DISGUISED_TERMS = (
    "snapchat", "instagram", "whatsapp", "telegram", "discord", "facetime", "textme", "callme",
    "email", "gmail", "phonenumber", "mynumber", "yournumber", "address", "snapme", "addme",
)  # fmt: skip
# Words that do not make up a street's name: "bus 12 down the road", "5 miles on the trail".
_NOT_STREET_WORDS = {
    "the", "a", "an", "on", "of", "to", "down", "up", "in", "at", "my", "your", "our", "his",
    "her", "their", "miles", "mile", "blocks", "block", "minutes", "mins", "hours", "min",
    "and", "or", "from", "by", "with", "for", "across", "along", "this", "that", "is", "was",
    "times", "kids", "people", "cars", "houses", "doors", "steps", "feet", "km", "laps",
    "every", "some", "any", "no", "other", "different", "same", "nice", "good", "big", "small",
    "first", "last", "next", "another", "more", "whole", "entire", "all", "each", "only",
}  # fmt: skip
# Invitations to chats elsewhere: always off-platform, whatever the allowlist says.
OFF_PLATFORM_HOSTS = (
    "chat.whatsapp.com", "wa.me", "whatsapp.com", "discord.gg", "discord.com", "t.me",
    "telegram.me", "snapchat.com", "instagram.com", "kik.me", "m.me", "facebook.com",
    "tiktok.com", "signal.group", "signal.me", "groupme.com", "line.me", "weixin.qq.com",
    "onlyfans.com", "linktr.ee", "signal.org", "bit.ly", "tinyurl.com", "t.co", "goo.gl",
    "is.gd", "rb.gy", "cutt.ly", "shorturl.at",
)  # fmt: skip

_CLAUSE = re.compile(r"[^.!?;\n]+")
# Ways to reach a person outside the platform: apps, and contact details as nouns.
_APP = re.compile(rf"(?<!\w)(?:{CHAT_APPS}|video ?call|video ?chat|facetime|skype)(?!\w)")
_CONTACT_NOUN = re.compile(
    r"(?<!\w)(?:e-?mail(?: address)?|gmail|phone ?number|cell ?(?:phone )?number|home address|"
    r"address|gamer ?tag|user ?name|socials|corner of|"
    r"(?<!locker )(?<!room )(?<!jersey )(?<!bus )(?<!team )(?<!page )(?<!lucky )(?<!favorite )"
    r"number(?! (?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|of|line)\b))(?!\w)"
)
# Said in the same clause as an app, these ask for it, offer it or propose moving to it.
_APP_TRIGGER = (
    r"(?:what'?s|what is|whats|give|send|share|drop|tell|need|want|get|got|have|has|do you have|"
    r"you have|you got|have you got) (?:me )?(?:your|ur|an?|ya)|are you on|you on|"
    r"me (?:on|at|via|through|over)|(?:reach|message|msg|contact|add|follow|find|search|look|hit|"
    r"friend|call|text|dm|ping|catch|talk|chat|write)(?: out)?(?: to)? (?:me|you|u|us|each other)|"
    r"(?:we|let'?s|lets) (?:should |could |can )?(?:video ?call|video ?chat|facetime|call|talk|chat|"
    r"text|switch|move|use)|outside (?:of )?(?:here|this|the (?:app|program|site|platform))"
)
_APP_CLAUSE = re.compile(rf"(?<!\w)(?:{_APP_TRIGGER})(?!\w)")
_NOUN_CLAUSE = re.compile(
    rf"(?<!\w)(?:{_APP_TRIGGER}|i live|you live|u live|we live|my (?:house|home|place|apartment))(?!\w)"
)
# An address said together with a public place is where to go, not where someone lives.
_PUBLIC_PLACE = re.compile(
    r"\b(?:school|office|library|museum|gym|center|centre|hospital|clinic|courthouse|court house|"
    r"campus|church|mosque|synagogue|temple|park|store|shop|restaurant|cafe|building|event|showcase|"
    r"fair|venue|hall|auditorium|stadium|theater|theatre|firm|company|station|college|university)\b"
)
# "after school" says when, not where.
_TIME_PHRASES = re.compile(
    r"\b(?:after|before|from|during) (?:school|practice|class|work|church)\b"
)
_HOME_WORDS = re.compile(
    r"\b(?:i live|we live|my (?:house|home|place|apartment)|our (?:house|home|place|apartment)|i stay|i'?m at|come over|come by|stop by|drop by|swing by)\b"
)
_STREET = re.compile(
    r"(?<![\w#$])\d{1,6}[a-z]?\s+((?:[nsew]\.?\s+)?(?:[a-z][a-z'.-]*\s+){1,3})"
    r"(?:street|st|avenue|ave|av|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|"
    r"terrace|ter|circle|cir|highway|hwy|parkway|pkwy|trail|trl|place|pl|way|square|"
    r"sq|crescent|row|alley|loop|pike|plaza)\b\.?"
)
_DIGIT_RUN = re.compile(r"\+?\(?\d(?:[\s().\-/_*,]{0,3}\d){6,15}")
_PHONE_WORDS = re.compile(
    r"\b(?:call|text|txt|phone|cell|mobile|number|num|digits|contact|reach|ring|whatsapp|"
    r"signal|hit me up|hmu)\b"
)
_NOT_PHONE_CONTEXT = re.compile(
    r"(?:\$|usd|dollars?|points?|pts|score|page|pages|room|bus|route|grade|%|percent|"
    r"to \d|vs\.?|minus|plus|times)\s*$"
)


# A detail given to the school ("gave my new number to the front office") or a number that is
# no one's contact ("the bus number is 47") is no move off the platform.
# Round 16: a crisis line (988, 741741, 911) named to be passed on is never a personal detail.
_NOT_PERSONAL = ("official", "other_number", "school_account", "crisis_line")
# Round 16: an app named as what the student does with a third person ("my best friend moved
# away, we facetime every night") invites no one here, unless the reader is addressed too.
_WITH_OTHERS = {
    "moves the conversation to another app",
    "asks for or offers a way to talk elsewhere",
}


def _with_others(a: Analysis) -> Callable[[Finding], bool]:
    if not a.has("third_party") or a.has("you"):
        return lambda _finding: False
    return lambda finding: finding.reason.split(":")[0] in _WITH_OTHERS


# "Don't share your address", "never give out your number" (a clause that opens with a negated
# imperative): online-safety advice, not a request.
_ADVICE = re.compile(
    r"^\s*(?:(?:and|but|so|please|remember|always|also|just)\s+)*(?:don'?t|do not|never)(?: ever)?\s*$"
)


def _advice(text: Normalized, finding: Finding) -> bool:
    """The finding's clause opens with a negated imperative just before it ("never give your
    number to people you meet online")."""
    if finding.span is None:
        return False
    before = text.original[: finding.span[0]]
    # A lead-in before a colon ("Quick tip: never share ...", "Safety reminder: don't post ...")
    # opens the advice, as a sentence would.
    clause = re.split(r"[.!?;:\n]", before)[-1].casefold().replace("\u2019", "'")
    return _ADVICE.search(clause) is not None


# The same moves as concepts, in every language of moderation/lexicons/<lang>/contact.toml.
CONCEPT_RULES = (
    ConceptRule(
        "asks for or offers contact details",
        CATEGORY,
        ("request_give", ("you", "self"), "contact_noun"),
        none_of=_NOT_PERSONAL,
        window=5,
    ),
    # Round 18 (lexicons/<lang>/round18_contact.toml): the home's address or phone with the
    # possessive after the noun ("¿me pasas la dirección de tu casa?", "what's the number at your
    # house?"), asked for or given. The school's office is not a stand-down here: the Spanish
    # "la dirección" (the principal's office, in `official`) is in every "la dirección de tu
    # casa"; a home's detail given to the office or on a form (`office_given`) is.
    ConceptRule(
        "asks for or gives a home address or phone",
        CATEGORY,
        (("request_give", "ask_detail", "share_is", "talk_verb"), "home_detail"),
        none_of=("other_number", "school_account", "crisis_line", "office_given"),
        window=6,
    ),
    # Round 18: a detail named, then asked for as "it" in the next sentence ("¿tienes whats?
    # pásamelo", "do you have snap? send it to me").
    ConceptRule(
        "asks for contact details named before",
        CATEGORY,
        ("send_it_me", ("contact_noun", "app")),
        none_of=_NOT_PERSONAL,
        scope="message",
        window=8,
    ),
    ConceptRule(
        "shares contact details",
        CATEGORY,
        ("shared_noun", "self", "share_is"),
        # Round 11 (Spanish): an account described, not given ("mi tiktok es puro video de gatos").
        none_of=(*_NOT_PERSONAL, "account_described"),
        window=2,
    ),
    ConceptRule(
        "moves the conversation to another app",
        CATEGORY,
        ("app", "talk_verb"),
        # "Be careful on snapchat, messages disappear": online-safety caution.
        none_of=("caution",),
        window=5,
    ),
    ConceptRule("asks where the other person lives", CATEGORY, ("where_live",)),
    # The power or the internet gone "en mi casa por la tormenta" is no address.
    ConceptRule(
        "gives a home by landmarks",
        CATEGORY,
        ("live_self", "landmark"),
        none_of=("outage",),
        window=8,
    ),
    ConceptRule("gives a home street", CATEGORY, ("live_self", "street"), window=6),
    # "¿Tienes Telegram? Búscame como profe_tono": an app, then how to be found on it.
    ConceptRule(
        "gives a handle on another app", CATEGORY, ("app", "find_me"), scope="message", window=8
    ),
    # A home described by a landmark or street, with an invitation to come ("stop by").
    ConceptRule(
        "invites someone to a home given by landmarks",
        CATEGORY,
        ("visit_invite", ("landmark", "street"), ("dwelling", "live_self")),
        none_of=_NOT_PERSONAL,
        scope="message",
    ),
    # Round 10 (es): "agregame a ig", "seguime en insta", "add me en ig": a request to be added on
    # an app (lexicons/es/veiled_r10.toml).
    ConceptRule(
        "asks to be added on another app",
        CATEGORY,
        ("add_me", ("app", "contact_noun")),
        none_of=_NOT_PERSONAL,
        window=4,
    ),
    # Round 11 (Spanish) (lexicons/es/veiled_r11.toml): an app named with a request to follow
    # ("¿tenés insta? yo soy flor.rojas, seguime", "dame follow en tiktok").
    ConceptRule(
        "asks to be followed on another app",
        CATEGORY,
        ("follow_me", "app"),
        none_of=_NOT_PERSONAL,
        scope="message",
        window=10,
    ),
    # Rounds 13 and 14 (Spanish) (lexicons/es/veiled_r14.toml): a block of flats with the unit or
    # a time to come down; one's number in a photo that was sent, not to be written here.
    ConceptRule(
        "gives a home by the building and the unit",
        CATEGORY,
        ("complex", ("unit_word", "come_down")),
        none_of=("school", "official"),
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "gives a number in a photo, off the chat",
        CATEGORY,
        ("own_number", "photo", "not_here"),
        scope="message",
        negatable=False,
    ),
    # Rounds 13 and 14 (en) (lexicons/en/veiled_r14.toml): where one is, as an apartment complex
    # and a unit ("im at oakridge apartments unit 12 after 5").
    ConceptRule(
        "gives a home as an apartment complex and its unit",
        CATEGORY,
        ("at_place", "complex", "unit_word"),
        none_of=_NOT_PERSONAL,
        scope="message",
        window=(6, 10),
    ),
)


def _office_number(a: Analysis) -> bool:
    """A school office's own line, given as theirs ("the front office will call, their number is
    on the flyer"), with no personal number or app beside it."""
    return (
        a.has("official") and a.has("office_line") and not (a.has("personal_line") or a.has("app"))
    )


def _public_place(text: Normalized, a: Analysis) -> bool:
    """A public place named in English (the patterns) or in a lexicon's `public_place` ("la
    escuela queda en ..."), and no home: a home named (`live_self`, an invitation to come by)
    makes an address someone's."""
    view = text.folded
    place_text = _TIME_PHRASES.sub(" ", view.text)
    return bool(_PUBLIC_PLACE.search(place_text) or a.has("public_place")) and not (
        _HOME_WORDS.search(view.text) or a.has("live_self") or a.has("visit_invite")
    )


# What makes a number someone's contact, whatever else the message numbers.
_PERSONAL = ("app", "home_detail", "where_live", "live_self")


def no_ones_number_only(a: Analysis) -> bool:
    """Round 18: the message names a number that is no one's contact (`other_number`: "el número
    de la página", "the room number") and no app, personal line or home: the rules' request rules
    stand down on it, so the learned detector's contact reading does too."""
    return a.has("other_number") and not any(a.has(c) for c in _PERSONAL)


def public_addresses_only(text: Normalized, a: Analysis) -> bool:
    """The message writes out a street address, and it is a public place's (the school's, the
    library's): the rules hold none of these, so neither does the learned detector."""
    # Round 18: or a public place's address named as such ("la dirección de la escuela es calle
    # 5 #120"), where the street is not written the English way.
    written = bool(_STREET.search(text.folded.text)) or a.has("public_address")
    return written and _public_place(text, a)


class ContactInfoDetector(Detector):
    name = "contact_info"

    def detect(self, text: Normalized, context: Context) -> list[Finding]:
        a = analyse(text, self.lexicon)
        findings = [f for f in apply_rules(self.name, RULES, text, context) if not _advice(text, f)]
        if not findings:
            findings = apply_concept_rules(self.name, CONCEPT_RULES, text, context, self.lexicon)
        # Advice to report a request names an app or a detail as what someone else might ask
        # for: that is no finding. A number, an e-mail, a link or a street written out is.
        reported = reporting_advice(a, text.original)
        others = _with_others(a)
        findings = [f for f in findings if not reported(f) and not others(f)]
        given = []
        if not _office_number(a):
            given.extend(self._phones(text))
        given.extend(self._emails(text))
        given.extend(self._links(text, context))
        given.extend(self._street(text, a))
        given.extend(self._disguised(text))
        findings.extend(given)
        # "Be careful on snapchat, people you don't know can add you": online-safety caution.
        # "Let's use the program's video call option": the platform's own channel, named as the
        # place to stay, is no way to talk elsewhere.
        if not findings and not a.has("caution") and not a.has("on_platform"):
            findings.extend(
                f for f in self._channel_in_clause(text) if not reported(f) and not others(f)
            )
        return findings

    def _channel_in_clause(self, text: Normalized) -> list[Finding]:
        """A way to reach someone (an app, a number, an e-mail, an address, a video call) named in
        the same clause as a request for it, an offer of one's own, or an invitation to use it.
        Catches the many wordings no single phrase rule foresees ("reach out to me on facebook,
        search my name", "do u have an email i can send stuff to")."""
        view = text.words
        for clause in _CLAUSE.finditer(view.text):
            part = clause.group(0)
            channel = _APP.search(part)
            trigger = _APP_CLAUSE
            if channel is None:
                channel, trigger = _CONTACT_NOUN.search(part), _NOUN_CLAUSE
            if channel is None:
                continue
            found = trigger.search(part)
            # The advice may follow a lead-in with a colon ("Quick tip: don't give ...").
            lead = part[: found.start()].rsplit(":", 1)[-1] if found else ""
            if found and not _ADVICE.search(lead):
                start = clause.start() + channel.start()
                span = view.span(start, clause.start() + channel.end())
                return [
                    self._finding(text, span, "asks for or offers a way to talk elsewhere", 0.8)
                ]
        return []

    def _street(self, text: Normalized, a: Analysis) -> list[Finding]:
        view = text.folded
        public = _public_place(text, a)
        for m in _STREET.finditer(view.text):
            if set(m.group(1).split()) & _NOT_STREET_WORDS or public:
                continue
            return [self._finding(text, view.span(m.start(), m.end()), "street address", 0.9)]
        return []

    def _disguised(self, text: Normalized) -> list[Finding]:
        return find_disguised(
            self.name, text, DISGUISED_TERMS, CATEGORY, "messaging app spelled out to hide it"
        )

    def _finding(self, text: Normalized, span: tuple[int, int], reason: str, score: float):
        return Finding(
            detector=self.name,
            category=CATEGORY,
            reason=f"{reason}: “{text.original[span[0] : span[1]]}”",
            span=span,
            score=score,
        )

    def _phones(self, text: Normalized) -> list[Finding]:
        view = text.digits
        out: list[Finding] = []
        has_phone_words = bool(_PHONE_WORDS.search(view.text))
        for m in _DIGIT_RUN.finditer(view.text):
            raw = m.group(0)
            digits = re.sub(r"\D", "", raw)
            before = view.text[max(0, m.start() - 12) : m.start()]
            if _NOT_PHONE_CONTEXT.search(before):
                continue
            if self._is_date_or_time(raw):
                continue
            if digits[:3] in TOLL_FREE_PREFIXES or digits[1:4] in TOLL_FREE_PREFIXES:
                continue  # helplines are meant to be shared
            if self._possible_phone(raw, digits) or (7 <= len(digits) <= 9 and has_phone_words):
                out.append(self._finding(text, view.span(m.start(), m.end()), "phone number", 0.95))
                break
        return out

    @staticmethod
    def _is_date_or_time(raw: str) -> bool:
        compact = re.sub(r"\s", "", raw)
        # 2024-05-12, 05/12/2024, 12.05.2024: dates, not numbers to call.
        return bool(
            re.fullmatch(r"(?:19|20)\d\d[-/.]\d{1,2}[-/.]\d{1,2}", compact)
            or re.fullmatch(r"\d{1,2}[-/.]\d{1,2}[-/.](?:19|20)?\d\d", compact)
        )

    @staticmethod
    def _possible_phone(raw: str, digits: str) -> bool:
        if len(digits) < 10 or len(digits) > 15:
            return False
        # Ten to thirteen digits in one run: a phone number in most numbering plans (national
        # forms with a leading 0 or 1, or with a country code).
        if len(digits) <= 13:
            return True
        candidates = [("+" + digits, None)] if raw.lstrip().startswith("+") else []
        candidates.append((digits, "US"))
        for number, region in candidates:
            try:
                parsed = phonenumbers.parse(number, region)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_possible_number(parsed):
                return True
        return False

    def _emails(self, text: Normalized) -> list[Finding]:
        found = self._emails_in(text, text.folded)
        if found or text.words.text == text.folded.text or not _AT_WORD.search(text.words.text):
            return found
        return self._emails_in(text, text.words)

    def _emails_in(self, text: Normalized, view) -> list[Finding]:
        """In `folded`, and in `words`, where letters spelled one by one are joined."""
        for m in _EMAIL.finditer(view.text):
            if not _school_address(m.group(0)):
                span = view.span(m.start(), m.end())
                return [self._finding(text, span, "e-mail address", 0.95)]
        # Overlapping candidates: "me at jo dot park at gmail dot com" first reads "me at jo...".
        pos = 0
        while (m := _SPELLED_EMAIL.search(view.text, pos)) is not None:
            tld = _DOT_SPLIT.split(m.group(0))[-1].strip()
            if tld in _EMAIL_TLDS and not _school_address(m.group(0)):
                span = view.span(m.start(), m.end())
                return [self._finding(text, span, "e-mail address written out", 0.95)]
            pos = m.start() + 1
        m = _EMAIL_PROVIDERS.search(view.text)
        if m:
            return [self._finding(text, view.span(m.start(), m.end()), "personal e-mail", 0.8)]
        return []

    def _links(self, text: Normalized, context: Context) -> list[Finding]:
        view = text.folded
        out: list[Finding] = []
        for m in _URL.finditer(view.text):
            url = m.group(0).rstrip(".,;:!?)")
            host = re.sub(r"^(?:https?://)?(?:www\.)?", "", url).split("/")[0].split(":")[0]
            if not host or "." not in host:
                continue
            off_platform = any(_host_matches(host, h) for h in OFF_PLATFORM_HOSTS)
            if not off_platform and (
                any(_host_matches(host, a) for a in context.link_allowlist) or _district_site(host)
            ):
                continue
            reason = "link to another chat or social app" if off_platform else "link off-platform"
            out.append(self._finding(text, view.span(m.start(), m.start() + len(url)), reason, 0.9))
            break
        return out


def _district_site(host: str) -> bool:
    """A school's or district's own web site, named as its e-mail domains are ("lausd.net/becas",
    "www.springfieldisd.org/calendar", "escuelajuarez.edu.mx"): the district publishes it, so a
    link to it is no way off the platform. Not on ".com", where anyone can register such a name."""
    return not host.endswith(".com") and _school_address(host)


def _host_matches(host: str, pattern: str) -> bool:
    """`pattern` is a domain ("khanacademy.org" also allows its subdomains) or a suffix such as
    ".edu" or ".k12.ca.us"; a `*` in a suffix stands for one label (".k12.*.us": every US
    state's school domains)."""
    pattern = pattern.strip().lower()
    if not pattern:
        return False
    if pattern.startswith(".") and "*" in pattern:
        labels = r"\.".join("[a-z0-9-]+" if p == "*" else re.escape(p) for p in pattern.split("."))
        return re.search(labels + "$", host) is not None
    if pattern.startswith("."):
        return host.endswith(pattern)
    return host == pattern or host.endswith("." + pattern)
