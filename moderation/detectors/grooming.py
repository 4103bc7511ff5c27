# ruff: noqa: E501 (pattern tables are easier to read and review unwrapped)
"""Grooming signals: the ways an adult builds secret, exclusive access to a child.

The phenomena (not phrases): secrecy, deleting the record, checking whether adults are around or
read the messages, meeting or travelling outside the program's scheduled meetings, requests for
photos, gifts, flattery about maturity, and moving to a less watched channel. From an adult to a
student these are held; the same words from a student are usually something else ("don't tell
anyone, but..." often opens a disclosure), so most rules here look at adult senders only.
"""

from __future__ import annotations

import dataclasses
import re

from ..lexicon import Analysis, analyse
from ..normalize import Normalized
from .base import Context, Detector, Finding, Rule, apply_rules, compile_words
from .concepts import (
    ConceptRule,
    apply_concept_rules,
    asks_to_report,
    reporting_advice,
    signals,
    stood_down,
)

CATEGORY = "grooming"

WHO = (
    r"any ?one|any ?body|no ?one|nobody|(?:your|ur) (?:mom|mother|dad|father|parents?|family|folks|"
    r"guardians?|teachers?|counselou?r|coordinator|friends?|sister|brother|grandma|grandpa|aunt|"
    r"uncle|step ?(?:mom|dad)|principal|coach)|the (?:coordinator|program|school|staff|"
    r"moderators?|counselou?r|teachers?|principal)|them|your (?:mom|dad) or anyone|people|"
    r"other people|the others"
)
PARENTS = (
    r"(?:mom|mother|mum|dad|father|parents?|family|folks|guardians?|grandma|grandpa|aunt|uncle|"
    r"step ?(?:mom|dad)|sister|brother|teachers?|anyone|any ?body|someone|no ?one|nobody)"
)

# Round 16: the sender away from the platform ("I'll be off the platform over the holidays",
# "I'm off the app next week") moves no talk off it.
NOT_AWAY = r"(?<!\bbe )(?<!\bi'm )(?<!\bim )(?<!\bam )(?<!\bstay )(?<!\bstaying )(?<!\bwe're )"
# Round 16: "pretty" as a degree ("you look pretty tired") is no remark on looks.
DEGREE = (
    r"(?! (?:much|sure|good|well|tired|happy|cool|busy|focused|serious|nervous|confident|sleepy|"
    r"stressed|excited|proud|quiet|calm|ready|close|sick|bored|upset|sad|done|set|relaxed)\b)"
)
# The reason of the phrase rule for gifts and money (a parent's gift passed on is none).
GIFT_REASON = "offers a student gifts or money"
# The reason of the phrase rule for flattery and a special bond.
BOND_REASON = "flatters a student's maturity or builds a special bond"
# What the student's own people may do for them (a gift, a ride) without the adult in it.
FAMILY_DOES_REASONS = (GIFT_REASON, "arranges to meet or travel outside the program")
RULES = (
    # Secrecy.
    Rule(
        compile_words(
            rf"(?:don'?t|do not|dont|never|no need to|you don'?t (?:need|have) to|no reason to|"
            rf"better not|shouldn'?t|won'?t|can'?t|cannot|mustn'?t|must not|(?:are|r) not allowed to|aren'?t allowed to|promise not to|promise you won'?t) (?:tell|telling|say (?:anything )?to|mention(?:ing)?|"
            rf"let|show|share (?:this|it) with|bring (?:this|it) up (?:to|with)|talk about (?:this|"
            rf"it) (?:to|with)|inform|report (?:this|it)? ?to)(?: \w+){{0,3}}? ?"
            rf"(?:to |with )?(?:{WHO})",
            r"(?:just |only )?(?:just )?(?:don'?t|do not|dont|never) (?:mention|tell) (?:it|this|that)"
            r"(?: to anyone)?|(?:our|a) (?:little |special |own )?secret|(?:our|a) (?:little|special|own) (?:thing|deal|arrangement|game)|keep (?!(?:your |ur |the )?(?:passwords?|pins?|personal info|info|information|account|login))(?:\w+ ){1,3}?(?:secret|private|quiet|between us|to yourself|to ourselves|to us|on the down ?low|hush[- ]hush|off the record)|keep (?:this|it|that|"
            r"things|us|what we|everything) (?:\w+ ){0,3}(?:secret|private|quiet|between us|"
            r"to yourself|on the down ?low|hush)|(?:just )?between (?:you and me|us|me and you|"
            r"the two of us|us two)|no ?one (?:needs|has|gets) to know|nobody (?:needs|has|gets) to "
            r"know|(?:they|she|he|your parents|your mom|your dad) (?:wouldn'?t|won'?t|don'?t need "
            r"to) (?:understand|know|find out)|(?:it'?s|this is|that'?s) (?:just )?(?:our|between) "
            r"(?:thing|us)|can you keep a secret|(?:don'?t|do not) let (?:anyone|them|your \w+) "
            r"(?:know|find out|see)",
        ),
        "asks a student to keep a secret",
        CATEGORY,
        adult_sender=True,
    ),
    # Deleting the record.
    Rule(
        compile_words(
            r"(?:delete|erase|clear|wipe|remove|get rid of|unsend) (?:all )?(?:of )?(?:this|these|"
            r"that|those|the|our|your|my|it|them|what i)(?: \w+){0,2} ?(?:messages?|msgs?|chats?|"
            r"texts?|conversations?|convos?|history|dms?|photos?|pics?|after(?:wards)?|when you|"
            r"once you|so)|(?:delete|erase|clear|wipe) (?:it|this|them|everything)(?: after| when| "
            r"once| so| before| right)|(?:so|that way|in case) (?:your \w+|no ?one|nobody|they|"
            r"anyone|she|he) (?:doesn'?t|don'?t|won'?t|can'?t|never|will never) (?:see|find|read|"
            r"know|check)",
        ),
        "asks to delete or hide messages",
        CATEGORY,
        adult_sender=True,
    ),
    Rule(
        compile_words(
            r"(?:delete|erase|clear|wipe) (?:your |the |our |this )?(?:chat |message |browser )?"
            r"history|(?:disappearing|vanishing|self-?destructing) messages"
        ),
        "asks to delete the conversation's history",
        CATEGORY,
        adult_sender=True,
    ),
    # Whether adults are around or read the messages.
    Rule(
        compile_words(
            rf"(?:is|are) (?:any ?one|any ?body|your {PARENTS}|people|they)(?: else)? (?:at (?:your|the|home)|in (?:your|the)|"
            rf"around|home|there|with you|nearby|watching|awake|close by)"
            rf"|(?:are|r) (?:you|u) (?:home )?(?:alone|by yourself|on your own)(?: right now| now|"
            rf" tonight| at home|\?|$)|(?:when|what time) (?:do|does|will|are) (?:your "
            rf"{PARENTS}|they) (?:get home|come home|leave|go to (?:bed|sleep|work)|work)|who "
            rf"(?:else )?(?:reads|checks|sees|looks at|can see|monitors) your (?:messages|phone|"
            rf"chats?|texts?)|(?:do|does|can) (?:your {PARENTS}|anyone|they|the school|your "
            rf"teachers?|people) (?:ever |even |usually |always |still |really |actually )?(?:read|check|see|look at|look through|go through|snoop (?:on|through)|monitor|scroll through) (?:your|our|these|"
            rf"this) (?:messages|phone|chats?|texts?|conversations?)|(?:is|are) (?:this|these|the) "
            rf"(?:chat|app|messages|conversation)s? (?:being )?(?:monitored|watched|recorded|read|"
            rf"checked)|home alone|(?:is|are) (?:your|ur) (?:door|room) (?:locked|closed)",
        ),
        "checks whether adults are around or read the messages",
        CATEGORY,
        adult_sender=True,
    ),
    # Moving to a less watched channel.
    Rule(
        compile_words(
            r"(?:switch|move|go|talk|chat|continue|take this|take it) (?:\w+ ){0,2}(?:to|on|in|over "
            r"to) (?:a |another |an |some |my )?(?:private|different|other|secret|encrypted|"
            r"another|better|safer|more private)(?: \w+)? (?:app|chat|platform|site|place|"
            r"channel|account|number|phone)|(?:this|the) (?:app|site|chat|platform|program) "
            r"(?:is|gets|are|will be) (?:monitored|watched|read|recorded|checked|spied on)|"
            r"somewhere (?:more )?(?:private|they can'?t see|no one can see)|(?:this|the) (?:app|site|chat|platform|program) (?:records|saves|logs|monitors|tracks|reads|watches|keeps|stores|screens|checks) (?:everything|our|what|all|every)|"
            r"(?:let'?s|we should|we could|can we|could we|why don'?t we|how about we) (?:just )?(?:use|switch to|move to|talk on|chat on|go on|try) (?:telegram|signal|whatsapp|snapchat|snap|discord|kik|instagram|insta|wickr|messenger|imessage|text(?:ing)?|another app|a different app)|where (?:no ?one|"
            r"nobody|they|the school|the program|staff) (?:can'?t|cannot|won'?t|can|will) "
            rf"(?:see|read|watch|check)|{NOT_AWAY}off (?:this|the) (?:app|platform|site)|burner (?:phone|"
            r"account)|secret (?:account|app|number|phone)"
        ),
        "moves to a less watched channel",
        CATEGORY,
    ),
    # Meeting or travelling outside the program.
    Rule(
        compile_words(
            r"(?:i can|i could|i'?ll|i will|let me|want me to|i'?d (?:love|like) to|i'?m happy to|"
            r"how about i|should i|i can just|can i|i'?m gonna|i'?m going to) (?:drive (?:you|u)|"
            r"pick (?:you|u) up|give (?:you|u) a (?:ride|lift)|take (?:you|u) (?:home|out|to my|"
            r"somewhere|for a (?:drive|ride))|walk (?:you|u) home|come (?:over|by|to your)|visit "
            r"(?:you|u)|swing by|stop by (?:your|after))",
            r"(?:come|stop|sleep) (?:over )?(?:to|at|by) my (?:house|place|apartment|car|office "
            r"after hours|hotel)|(?:come|go) over to my|(?:meet|hang ?out|see each other|get "
            r"together|chill) (?:\w+ ){0,3}(?:alone|by ourselves|just (?:the two of )?us|without "
            r"(?:anyone|your|the)|this weekend|tonight|after dark|at my|at the mall|at the park|"
            r"somewhere (?:private|quiet|else)|outside (?:of )?(?:school|the program))|(?:just|"
            r"only) (?:the two of us|you and me|us two)|(?:in|get in|into) my car|give you a ride|"
            r"(?:drive|pick) you (?:up|home)|our own (?:meeting|meetup|hangout)|(?:skip|ditch) "
            r"(?:the )?(?:meeting|session|program)",
        ),
        "arranges to meet or travel outside the program",
        CATEGORY,
        adult_sender=True,
    ),
    # More secrecy, supervision and channel phrasings.
    Rule(
        compile_words(
            r"(?:your (?:mom|mother|dad|father|parents?|family|guardians?|teachers?|counselou?r)|they|she|he|nobody|no ?one|the (?:school|program|coordinator|staff)) (?:doesn'?t|don'?t|does not|do not|won'?t|will not|never) (?:need|have|got) to (?:know|find out|hear about|see)",
            r"(?:when|what time|how often|what days?) (?:are|r|will|do) (?:you|u) (?:usually |ever |normally |going to be |gonna be )?(?:home )?(?:alone|by yourself|on your own|home alone)",
            r"(?:are|r) (?:you|u) (?:home )?(?:all )?(?:alone|by yourself|on your own)(?: (?:right now|now|tonight|at home|today|in (?:your|ur) (?:room|bedroom|house)))?(?: \w+){0,3}?(?= *(?:[?.!,]|$))",
            r"(?:do|do you|you) (?:have|got) (?:your|ur) own (?:room|bedroom|phone|bathroom|computer|laptop)|(?:wise|mature|grown) beyond (?:your|ur) years|(?:an|such an) old soul",
            rf"(?:instead of|rather than|outside(?: of)?|{NOT_AWAY}off(?: of)?) (?:using )?(?:this|the) (?:app|site|platform|program|chat)",
            r"(?:are|r) (?:you|u) (?:\w+ ){0,2}(?:alone|by yourself|on your own)(?: right now| now| tonight| at home| today)",
            r"who (?:else )?(?:can|could|does|will|might|gets to) (?:see|read|look at|check|watch) (?:what (?:you|we)|your|our|these|this|the)",
            r"somewhere (?:\w+ ){0,3}(?:can'?t|cannot|won'?t|don'?t|do not|will not) (?:see|read|check|watch|find|monitor|track)",
            r"(?:come|coming) (?:and )?get (?:you|u) (?:from|at|after)|(?:mature|grown[- ]up) enough (?:to|for)|adult relationship|(?:date|dating|relationship with) (?:an )?older (?:guy|man|woman|person)",
        ),
        "builds secrecy or unsupervised access",
        CATEGORY,
        adult_sender=True,
    ),
    Rule(
        compile_words(
            r"(?:what we (?:talk about|say|do|share|discuss)|this|our (?:chats?|talks?|conversations?|messages?)|everything we (?:say|talk about)) (?:stays?|is|remains?|has to stay|should stay) (?:here|between us|private|secret|just (?:ours|between us)|our secret)",
            r"(?:your (?:mom|mother|dad|father|parents?|family|folks)|they|she|he) (?:wouldn'?t|won'?t|would never|will never|don'?t|doesn'?t) (?:get|understand) (?:it|this|us|what we have)",
            r"(?:pics?|pictures?|photos?|selfies?|videos?|snaps?) of (?:what (?:you'?re|you are|ur|u r) wearing|your outfit|you in)",
        ),
        "asks a student for secrecy or pictures",
        CATEGORY,
        adult_sender=True,
    ),
    Rule(
        compile_words(
            r"(?:are|is|r) (?:your|ur) (?:mom|mother|dad|father|parents?|family|folks|guardians?|grandma|grandpa|step ?(?:mom|dad)) (?:asleep|sleeping|in bed|at work|out|gone|working|out of town|away|home|around|there|awake|watching|going out|going away|leaving|traveling|travelling|working late)",
            r"(?:your|ur) secret(?:'s| is) safe (?:with|w) me",
        ),
        "checks whether adults are around",
        CATEGORY,
        adult_sender=True,
    ),
    # Broad forms: any request by an adult to remove the record, any check on supervision or on
    # who reads a student's phone, whatever the wording around it.
    Rule(
        compile_words(
            r"(?:delet(?:e|ed|ing)|eras(?:e|ed|ing)|clear(?:ed|ing)?|wip(?:e|ed|ing)|unsen(?:d|t)|get rid of|got rid of|trash(?:ed)?|remov(?:e|ed)) (?:\w+ ){0,2}?(?:messages?|msgs?|chats?|conversations?|convos?|history|texts?|dms?|pics?|photos?|pictures?|screenshots?|(?:what|everything) (?:i|we) (?:said|sent|wrote|talked about))(?!\w)",
            r"(?:after|once|when|as soon as) (?:you|u) (?:read|see|get|saw|got)(?: \w+){0,3}[,]? (?:\w+ )?(?:delete|erase|clear|wipe|unsend|get rid of)|(?:delete|erase|clear|wipe|unsend|get rid of) (?:it|this|these|them|everything) (?:after|once|when|as soon as|right after|before) (?:you|u|anyone|someone|your|they)",
        ),
        "asks a student to remove the record",
        CATEGORY,
        adult_sender=True,
    ),
    Rule(
        compile_words(
            r"(?:is|are) (?:there )?(?:an? |any )?(?:adults?|grown[- ]?ups?|any ?one|any ?body|someone|somebody|parents?|mom|dad|guardians?|people)(?: else)? (?:with you|around|home|there|nearby|close by|watching|listening|awake|in the (?:room|house))",
            r"(?:monitor|monitors|check|checks|watch|watches|track|tracks|look at|looks at|read|reads|go through|goes through|see|sees|look through|looks through|snoop on|snoops on|spy on|spies on) (?:on )?(?:your|ur) (?:internet|phone|messages|texts|chats?|browser|history|screen|computer|laptop|dms|social media|accounts?|tablet|ipad|screen time|emails?)",
        ),
        "checks on a student's supervision",
        CATEGORY,
        adult_sender=True,
    ),
    Rule(
        compile_words(
            r"(?:do|does|will|would|did) (?:your (?:parents?|mom|dad|mother|father|family|folks)|they|she|he) (?:ever )?(?:let|allow) (?:you|u) (?:to )?(?:go out|stay out|sleep over|be out|go anywhere|leave the house|have sleepovers|out at night|go out at night|stay up late|date)",
            r"(?:wouldn'?t|won'?t|don'?t|doesn'?t|do not|will not|would not) (?:need|have) to (?:mention|tell|say anything|bring (?:it|this) up|let \w+ know)",
            r"(?:put|loaded|added|sent|transferred) (?:some )?(?:money|cash|\$\d+|\d+ dollars) (?:on|to|into|onto) (?:a|your|the|ur) (?:card|account|app|gift card)",
        ),
        "builds secrecy, freedom from parents, or debts",
        CATEGORY,
        adult_sender=True,
    ),
    Rule(
        compile_words(
            r"(?:no ?one|nobody|no one else) (?:can|should|must|is allowed to|gets to|needs to|has to|will ever) (?:know|find out|hear|see|read)",
            r"(?:girls|boys|kids|students|teens|people) (?:your|ur) age (?:aren'?t|are not|usually aren'?t|don'?t|never|can'?t|wouldn'?t)",
            r"(?:you'?re|you are|ur) (?:so |really |very |truly )?special(?: to me)?(?= *(?:[.!,]|$))",
            r"(?:who|does anyone|anyone|does anybody|who else) (?:has|have|else has|gets) access to (?:your|ur) (?:phone|account|messages|computer|laptop|texts|dms|chats?)",
        ),
        "builds secrecy or a special bond, or checks who can see the chat",
        CATEGORY,
        adult_sender=True,
    ),
    Rule(
        compile_words(
            r"(?:make sure|so that|so|be sure) (?:no ?one|nobody|your \w+|they|anyone) (?:sees?|reads?|finds?|knows?|checks?|can see|ever sees?) (?:these|this|our|the|what|them|it)",
            r"(?:when|what time) (?:do|does|will) (?:your (?:mom|mother|dad|father|parents?|family|folks)|they) (?:get back|come back|return|get off work|go out|leave for work|get home|go to sleep)",
            r"(?:wait for|meet|pick up|find|catch) (?:you|u) (?:outside|after|behind|near|by|at the back of|around the corner from|in front of) (?:your|ur|the) (?:school|house|home|class|practice|gym|building|bus stop)",
            r"(?:more|much more) (?:like )?(?:an adult|a grown ?up|a woman|a man) than (?:a kid|a child|your age|a teenager)",
            r"(?:are|is) (?:your|ur) (?:messages|phone|texts|chats|dms|emails|conversations) (?:ever )?(?:checked|read|monitored|watched|looked at|seen|gone through) by",
            r"(?:you and i|you and me|we) (?:have|share|got) (?:something|a thing|a bond|a connection|a relationship) (?:really |so |very |truly )?(?:special|different|unique|nobody else)",
        ),
        "secrecy, supervision and special-bond wording",
        CATEGORY,
        adult_sender=True,
    ),
    Rule(
        compile_words(
            r"(?:does|do|did) (?:your (?:mom|mother|dad|father|parents?|family|folks)|they) know (?:you'?re|you are|about|that you'?re|that we|we'?re|we are) (?:talking|chatting|texting|messaging|meeting|friends|us|me)",
            r"tell (?:your|ur) (?:mom|mother|dad|father|parents?|family|folks|teacher) (?:that )?(?:you'?re|you are|you were|you'?ll be|you will be) (?:at|with|staying|sleeping|going)",
        ),
        "asks a student to hide the contact from, or lie to, their parents",
        CATEGORY,
        adult_sender=True,
    ),
    Rule(
        compile_words(
            r"(?:see|meet|visit|hang out with|spend time with|be with|talk to) (?:you|u) (?:\w+ )?(?:outside|away from|apart from|beyond) (?:of )?(?:our |the |this )?(?:sessions?|meetings?|program|school|here|this app|the app)",
        ),
        "asks to see a student outside the program",
        CATEGORY,
        adult_sender=True,
    ),
    Rule(
        compile_words(
            r"(?:pics?|photos?|pictures?|selfies?|videos?)(?: \w+){0,3} (?:so (?:that )?i can|i wanna|i want to|to let me) see (?:you|how you look|what you look like|your face|your outfit)",
            r"(?:wanna|want to|like to|love to|dying to) see (?:how|what) (?:you|u) look(?: like)?(?: today| now| tonight| right now)?",
        ),
        "asks a student for pictures of themselves",
        CATEGORY,
        adult_sender=True,
    ),
    Rule(
        compile_words(
            r"(?:practically|basically|almost|pretty much|really|already) an? (?:adult|grown ?up|woman|man)|(?:you'?re|you are|ur) not (?:a|just a) (?:kid|child|little girl|little boy)(?: anymore)?",
        ),
        "tells a student they are an adult",
        CATEGORY,
        adult_sender=True,
    ),
    Rule(
        compile_words(
            r"(?:have|got|has) (?:a )?lock on (?:your|ur) (?:bedroom |room |bathroom )?door|(?:does|do) (?:your|ur) (?:bedroom |room )?door (?:lock|have a lock)",
            r"(?:i have|i'?ve got|i'?ve developed|i'?m catching|i'?m developing) (?:strong |real |some )?(?:feelings|a crush|a thing) (?:for|on) (?:you|u)|(?:i'?m|i am) (?:falling )?in love with (?:you|u)|(?:i|i'?ve) (?:have )?fallen for (?:you|u)",
        ),
        "probes a student's privacy or declares feelings",
        CATEGORY,
        adult_sender=True,
    ),
    Rule(
        compile_words(
            r"(?:would|'d|will|'ll|gonna) (?:freak out|be (?:so )?mad|kill (?:me|you)|be upset|get mad|lose it|flip out|not like it|be angry) if (?:she|he|they|your \w+) (?:knew|found out|saw|read|heard)",
            r"(?:are|r) (?:you|u) (?:going to|gonna) be (?:home )?(?:alone|by yourself|on your own|home alone)",
        ),
        "secrecy from parents or checking when a student is alone",
        CATEGORY,
        adult_sender=True,
    ),
    Rule(
        compile_words(
            r"i won'?t tell if (?:you|u) won'?t|(?:make sure|check|see if|be sure) (?:your|ur) (?:mom|mother|dad|father|parents?|family|folks) (?:isn'?t|aren'?t|is not|are not|'s not|are gone|is gone|is asleep|are asleep) (?:around|home|there|looking|watching|in the room)?",
            r"(?:take|snap|send) (?:a |me a )?(?:pic|picture|photo|selfie|video)s? (?:in|of you in|from) (?:the |your )?(?:mirror|bathroom|bed|bedroom|shower)",
        ),
        "secrecy, supervision checks and private pictures",
        CATEGORY,
        adult_sender=True,
    ),
    # Requests for photos of the student.
    Rule(
        compile_words(
            r"(?:send|show|take|snap|share|give|post|want|need|see|get|have|grab)(?: \w+){0,3} "
            r"(?:selfies?|pics? of (?:you|yourself|ur ?self|your (?:face|body|outfit|legs|feet|"
            r"room|bedroom))|photos? of (?:you|yourself|your (?:face|body|outfit|legs|feet|room|"
            r"bedroom))|pictures? of (?:you|yourself|your (?:face|body|outfit|legs|feet|room|"
            r"bedroom))|videos? of (?:you|yourself))|what (?:are|r) (?:you|u) wearing|(?:show|let) "
            r"me (?:see )?(?:what you look like|yourself|your (?:face|body|outfit))|send (?:me )?(?:a "
            r"|some |more |another )?(?:pics?|photos?|pictures?|snaps?|vids?)(?: of)?(?: you| "
            r"yourself)?(?![\w ]*\bof\b)(?: (?:later|tonight|now|please|pls|plz))?(?=$|[.!?]|\s*$)"
            r"|(?:can|could|will|would) (?:you|u) (?:send|take) (?:me )?(?:a |some )?(?:pics?|"
            r"photos?|pictures?|selfies?)\??$",
        ),
        "asks a student for pictures of themselves",
        CATEGORY,
        adult_sender=True,
    ),
    # Gifts and money.
    Rule(
        compile_words(
            r"(?:i'?ll|i will|i can|i could|let me|i want to|i'?d like to|i'?m going to|i'?m gonna|"
            r"gonna) (?:buy|get|give|send|pay for|order|surprise) (?:you|u|ya) (?:[$\w]+ ){0,3}?"
            r"(?:a |an |some |those |that |the |new |your )?(?:gifts?|presents?|sneakers|shoes|"
            r"phone|iphone|clothes|money|cash|gift ?cards?|games?|console|ps5|xbox|switch|airpods|"
            r"headphones|makeup|jewelry|necklace|bracelet|ring|something (?:nice|special)|"
            r"anything you want|whatever you want|tickets?|treats?|candy|vape|vapes|alcohol|beer)",
            r"(?:give|send|pay|venmo|slip) (?:you|u) (?:\$\d+|\d+ (?:dollars|bucks)|some (?:money|cash)|money|cash)|"
            r"(?:gift ?cards?|venmo|cash ?app|paypal|zelle) (?:for you|to you)|i'?ll (?:venmo|"
            r"cash ?app|paypal|zelle) you|(?:buy|bought|got) (?:you|u) (?:something|a (?:little )?"
            r"(?:gift|present|surprise))",
        ),
        GIFT_REASON,
        CATEGORY,
        adult_sender=True,
    ),
    # Flattery about maturity and a special bond.
    Rule(
        compile_words(
            r"(?:we get each other|we understand each other|we (?:really )?click|you (?:really )?get me|we have (?:a|this) (?:thing|connection))",
            # Maturity said of the student, not of something they did ("that was a really mature
            # way to handle it", "very mature of you to apologise" praise an act).
            r"(?:you'?re|you are|ur|u r|you (?:seem|act|sound|look|talk)(?: like)?|you'?ve (?:gotten|become|grown)|you'?re (?:getting|becoming)) (?:\w+ )?(?:so|very|really|more|most|such a|pretty|too|way too|super|incredibly|quite) (?:mature|grown[- ]?up|adult|grown)",
            r"(?:so|very|really|more|most|such a|pretty|too|way too|super) (?:mature|grown[- ]?up|adult|grown) for (?:your|ur) age|(?:so|very|really|more|pretty|too|super) (?:mature|grown[- ]?up) for a \w+",
            r"look at (?:you|u),? (?:all |so )?grown(?:[- ]?up)?",
            r"mature for (?:your|ur|an?) age",
            r"(?:different (?:from|than)|not like|unlike|more mature than|older than|smarter than|better than) (?:the |all the |most )?(?:other |most )?(?:kids|girls|boys|students|teens|people|children)(?: (?:your|ur) age| in your (?:grade|class))?",
            r"(?:seem|act|look|talk|sound|are) (?:so |much |way )?older than (?:you are|your age|\d+)",
            r"(?:no ?one|nobody) (?:understands|gets|knows|loves|cares about) (?:you|u) (?:like|the way|as much as) (?:i|me)",
            r"(?:i'?m|i am) the only (?:one|person) (?:who|that) (?:really |truly )?(?:gets|understands|cares about|knows|loves|listens to) (?:you|u)",
            r"(?:i|only i) (?:understand|get|know) (?:you|u) (?:better|more) than|trust me more than",
            r"(?:we have|we'?ve got|there'?s) (?:a |this |such a )?(?:special|real|unique|deep) (?:connection|bond|relationship)",
            r"you'?re (?:my|the only one|special to me)(?: favou?rite| special)?|(?:i'?m|i am) (?:your|like your) (?:best friend|boyfriend|girlfriend|bf|gf)",
            r"i (?:love|miss|need) you(?: so much| more)?",
            rf"(?:you'?re|you are|ur|u r|you look) (?:so |very |really )?(?:beautiful|gorgeous|sexy|hot|pretty{DEGREE}|cute|handsome|attractive)",
        ),
        BOND_REASON,
        CATEGORY,
        adult_sender=True,
    ),
    # Probing a student's romantic or sexual life.
    Rule(
        compile_words(
            r"(?:do|do you|you|have you|got) (?:you )?(?:have|got|ever had) a (?:boyfriend|girlfriend|bf|gf|crush|special someone)",
            r"have you (?:ever )?(?:kissed|been kissed|made out|dated|had a (?:boyfriend|girlfriend))",
            r"(?:are|r) (?:you|u) (?:a virgin|dating (?:anyone|someone)|seeing (?:anyone|someone)|single)",
        ),
        "asks a student about their romantic life",
        CATEGORY,
        adult_sender=True,
    ),
)


# Cue families for wordings no rule above foresees. From an adult, secrecy together with any of
# the others, or being alone together with meeting or pictures, is the grooming pattern itself.
CUES = {
    "secrecy": re.compile(
        r"\b(?:secret|secrets|between us|between you and me|just between|nobody (?:needs|has|can|"
        r"should|will|gets) (?:to )?(?:know|see|find out)|no one (?:else )?(?:needs|has|can|should|will|gets) (?:to )?(?:know|see|find out)|nobody else (?:needs|has|can|should|will|gets) (?:to )?(?:know|see|find out)|"
        r"don'?t tell|do not tell|not tell|won'?t tell|never tell|hide|hidden|delete|erase|"
        r"our little|keep (?:it|this) quiet|keep quiet|don'?t mention|not mention|don'?t let \w+ "
        r"know|our thing|cover for)\b"
    ),
    "adults": re.compile(
        r"\b(?:parents?|mom|mother|dad|father|family|teachers?|coordinator|counselou?r|program|"
        r"staff|principal|guardians?|grandma|grandpa|aunt|uncle)\b"
    ),
    "meeting": re.compile(
        r"\b(?:meet|meet up|meeting up|pick you up|drive you|a ride|come over|my place|my house|"
        r"my apartment|my car|hang out|visit you|take you|sleepover|spend the night|"
        r"see you (?:this weekend|tonight|after school|on (?:saturday|sunday|friday))|see each other)\b"
    ),
    "pictures": re.compile(
        r"\b(?:pics?|photos?|pictures?|selfies?|videos? of you|snaps? of you)\b"
    ),
    "gifts": re.compile(
        r"\b(?:buy you|bought you|gift|gifts|present|money|cash|pay for|gift card|\$\d+)\b"
    ),
    "alone": re.compile(
        r"\b(?:alone|by yourself|on your own|just (?:the two of )?us|just you and me|nobody "
        r"around|no one around|without (?:your|anyone|them)|somewhere (?:quiet|private|secluded))\b"
    ),
}


# Online-safety advice ("keep your password secret, don't share it with anyone") is the opposite
# of secrecy with an adult.
SAFETY_ADVICE = re.compile(
    r"\b(?:passwords?|passcodes?|pins?|login|log-in|personal (?:info|information|details)|"
    r"private (?:info|information)|your (?:account|address) online|strangers? online)\b"
)
SECRECY_REASONS = {"asks a student to keep a secret"}
CHANNEL_REASONS = {"moves to a less watched channel"}
# What a child is told to hide, when it is what someone else might ask for in advice to report it
# ("si algún adulto te pide que no le cuentes a tus papás, avísale a la consejera").
HIDING_REASONS = {
    "asks a student to hide something from their people",
    "asks a student to hide a gift, meeting or photo",
    "asks a student to hide the conversation from their people",
}


# The same phenomena as concepts (moderation/lexicons/<lang>/grooming.toml), adult senders only.
_STORY = ("literature",)
# Advice to report a request ("if anyone tells you to keep it quiet, tell your counselor";
# concepts.asks_to_report), as one stand-down.
REPORT_ADVICE = ("if_someone", "asks_you_to", "report_staff")
BOND_KEPT_QUIET = "claims a special bond and asks to keep it quiet"
# Round 18: what a story, a lesson or advice to report quotes of others ("in the novel he tells
# her it's their secret", "in health class: groomers say 'you understand me, don't tell
# anyone'") is not asked of the student.
QUOTED_REASONS = SECRECY_REASONS | {BOND_REASON, BOND_KEPT_QUIET}
# The frames that quote them: a novel, a lesson about grooming, a science-fair project (narrower
# than `literature`: "let's keep our movie nights a secret" is still asked of the student).
TOLD_OF_OTHERS = ("told_of_others",)
CONCEPT_RULES = (
    # Round 10 (moderation/lexicons/<lang>/veiled.toml): a call or a chat timed to when the
    # student's family is asleep ("text me once your parents go to bed").
    ConceptRule(
        "times a call or chat to when the student's family is asleep",
        CATEGORY,
        ("household", "asleep_state", ("talk_verb", "app", "visit_invite")),
        none_of=(*_STORY, "night_help", "safety_advice"),
        scope="message",
        adult_sender=True,
        window=(4, 15),
    ),
    # Isolation and a special bond (moderation/lexicons/<lang>/veiled.toml).
    ConceptRule(
        "claims to know the student better than their people",
        CATEGORY,
        ("know_you", "better_than_them"),
        none_of=_STORY,
        window=6,
        adult_sender=True,
    ),
    ConceptRule(
        "turns the student against their friends",
        CATEGORY,
        ("use_you", ("your_people", "only_me")),
        none_of=_STORY,
        scope="message",
        adult_sender=True,
        negatable=False,
    ),
    ConceptRule(
        "asks for a photo to see how the student looks",
        CATEGORY,
        (("photo_request", "photo"), "see_looks"),
        none_of=_STORY,
        scope="message",
        adult_sender=True,
    ),
    ConceptRule(
        "isolates the student from their people",
        CATEGORY,
        ("misunderstand", ("your_people", "only_me")),
        scope="message",
        adult_sender=True,
        negatable=False,
    ),
    ConceptRule(
        "claims an exclusive bond against the student's people",
        CATEGORY,
        ("only_me", "your_people"),
        scope="message",
        adult_sender=True,
    ),
    ConceptRule(
        "asks a student to keep a secret",
        CATEGORY,
        ("secret_bond",),
        none_of=_STORY,
        adult_sender=True,
        negatable=False,
    ),
    ConceptRule(
        "asks a student to hide something from their people",
        CATEGORY,
        ("dont_tell", "your_people"),
        # Round 11 (Spanish): a surprise for one of the student's people ("no le digas a tu
        # hermana, le estamos preparando una sorpresa") is no secret kept from them; round 18:
        # nor is a gift for them ("a present for Father's Day, don't tell him").
        none_of=(*_STORY, "surprise", "family_gift"),
        window=6,
        adult_sender=True,
        negatable=False,
    ),
    ConceptRule(
        "asks a student to hide the conversation from their people",
        CATEGORY,
        ("dont_tell", "record", "your_people"),
        none_of=_STORY,
        scope="message",
        adult_sender=True,
        negatable=False,
    ),
    ConceptRule(
        "offers a channel, gift or meeting out of sight",
        CATEGORY,
        ("unwatched", ("talk_verb", "gift", "pickup", "photo", "contact_noun", "app")),
        none_of=(*_STORY, "help_resource"),
        scope="message",
        adult_sender=True,
        negatable=False,
    ),
    # "Keep our messages short until you're cleared" (by a doctor) deletes nothing.
    ConceptRule(
        "asks to delete messages",
        CATEGORY,
        ("delete", "record"),
        none_of=("medical_clear",),
        window=4,
        adult_sender=True,
    ),
    ConceptRule(
        "moves the talk away from a watched channel",
        CATEGORY,
        # Round 16: the platform called clunky or slow is a reason to leave it, as watching is.
        (("watched", "platform_bad"), ("elsewhere_channel", "app", "private_place")),
        none_of=(*_STORY, "help_resource", "caution"),
        scope="message",
        adult_sender=True,
        negatable=False,
    ),
    ConceptRule(
        "romance framed by age",
        CATEGORY,
        ("romance", "age_cond"),
        scope="message",
        adult_sender=True,
    ),
    ConceptRule(
        "flatters a student's maturity for their age",
        CATEGORY,
        ("mature", "age_ref"),
        scope="message",
        adult_sender=True,
    ),
    ConceptRule(
        "asks a student to hide a gift, meeting or photo",
        CATEGORY,
        ("dont_tell", ("gift", "pickup", "program", "just_us", "photo_request")),
        none_of=(*_STORY, "family_gift"),
        scope="message",
        adult_sender=True,
        negatable=False,
    ),
    ConceptRule(
        "asks for a photo just for the sender",
        CATEGORY,
        ("photo_request", "just_for_me"),
        scope="message",
        adult_sender=True,
    ),
    ConceptRule(
        "claims a special connection",
        CATEGORY,
        ("exclusive_bond", ("only_me", "misunderstand")),
        scope="message",
        adult_sender=True,
    ),
    ConceptRule(
        "proposes meeting alone outside the program",
        CATEGORY,
        ("pickup", "just_us"),
        scope="message",
        adult_sender=True,
    ),
    ConceptRule(
        "claims to be the student's soulmate",
        CATEGORY,
        ("soulmate", "you"),
        none_of=_STORY,
        window=8,
        adult_sender=True,
    ),
    ConceptRule(
        "asks a student to hide the conversation from anyone",
        CATEGORY,
        ("dont_tell", "record", "anyone"),
        none_of=_STORY,
        scope="message",
        adult_sender=True,
        negatable=False,
    ),
    ConceptRule(
        "says others would not understand what they have with the student",
        CATEGORY,
        ("what_we_have", "not_understand"),
        none_of=_STORY,
        scope="message",
        adult_sender=True,
        negatable=False,
    ),
    # Round 18 (lexicons/<lang>/round18_grooming.toml): the adult's own bond with the student
    # ("a connection I don't have with my other students", "tú sí me entiendes") with discretion
    # asked in the same message ("better not mention it", "no lo comentes con nadie", "los demás
    # no lo entenderían"). The bond alone stays the weak `exclusive_bond` signal (SIGNAL_RULES);
    # a surprise or a gift for the student's people, a story or a lesson, or advice to report
    # such words stand it down.
    ConceptRule(
        BOND_KEPT_QUIET,
        CATEGORY,
        ("bond_claim", ("dont_tell", "keep_quiet", "secret_bond")),
        none_of=(*_STORY, "surprise", "family_gift", "safety_advice", REPORT_ADVICE),
        scope="message",
        adult_sender=True,
        negatable=False,
    ),
    # Round 8's families (docs/moderation.md, "r8").
    # An app where nothing is kept, or where talk is "more comfortable" (not safety advice).
    ConceptRule(
        "moves the talk to a channel where nothing is kept",
        CATEGORY,
        (("app", "elsewhere_channel"), ("ephemeral", "private_place")),
        none_of=(*_STORY, "caution", "help_resource"),
        scope="message",
        adult_sender=True,
    ),
    # "Nobody gets me the way you do", "nadie te quiere como yo": no denial, a claim of a bond.
    ConceptRule(
        "claims nobody understands or loves like they do",
        CATEGORY,
        ("nobody_else", "bond_verb", "like_us"),
        none_of=_STORY,
        window=6,
        adult_sender=True,
        negatable=False,
    ),
    ConceptRule(
        "runs down the student's people",
        CATEGORY,
        ("your_people", "disparage"),
        none_of=_STORY,
        scope="message",
        adult_sender=True,
    ),
    # Whether the student's phone is checked, asked so as to send things.
    ConceptRule(
        "asks about monitoring so as to send things unseen",
        CATEGORY,
        ("check_verb", "device", "send_unseen"),
        none_of=_STORY,
        scope="message",
        adult_sender=True,
    ),
    # Round 10 (es) (lexicons/es/veiled_r10.toml): who reads the chat, asked so as to know how
    # freely the sender can talk; maturity set against the student's age with adult topics; an
    # alibi for the parents with a ride; looks with looking older than one's age.
    ConceptRule(
        "asks who reads the chat so as to talk freely",
        CATEGORY,
        ("speak_freely", ("read_verb", "check_verb", "supervision", "alone_check")),
        none_of=_STORY,
        scope="message",
        adult_sender=True,
        negatable=False,
    ),
    ConceptRule(
        "says a student is mature enough for adult topics",
        CATEGORY,
        ("adult_topics", ("mature", "age_ref", "speak_freely")),
        none_of=_STORY,
        scope="message",
        adult_sender=True,
        negatable=False,
    ),
    ConceptRule(
        "gives a student an alibi for their parents",
        CATEGORY,
        ("alibi", ("ride", "pickup", "visit_invite", "dont_tell", "just_us")),
        none_of=_STORY,
        scope="message",
        adult_sender=True,
    ),
    ConceptRule(
        "says a student looks older than their age",
        CATEGORY,
        ("looks_older", ("beauty", "photo", "looks_good", "body_compliment")),
        none_of=_STORY,
        scope="message",
        adult_sender=True,
        negatable=False,
    ),
    # Round 11 (en) (lexicons/en/veiled_r11.toml): money for the student, with what to say about
    # where it came from ("just say a friend paid", "don't say where it came from").
    ConceptRule(
        "offers money and a story for where it came from",
        CATEGORY,
        ("cover_source", ("gift", "money_word")),
        none_of=(*_STORY, "surprise"),
        scope="message",
        adult_sender=True,
        negatable=False,
    ),
    # Round 11 (Spanish) (lexicons/es/veiled_r11.toml): an adult who offers to come over to the
    # student's home while the parent works nights or with the parent kept out of it ("¿tu mai
    # trabaja de noche? puedo pasar por tu casa"); a meeting at school passes.
    ConceptRule(
        "offers to come to the student's home while the parents are away",
        CATEGORY,
        ("come_over", ("adults_away", "dont_tell", "alone_check", "just_us")),
        none_of=_STORY,
        scope="message",
        adult_sender=True,
        negatable=False,
    ),
    # Rounds 13 and 14 (Spanish) (lexicons/es/veiled_r14.toml): old enough not to ask the
    # parents' permission; "my best friend" with the secrets told nobody else; a meeting at a
    # café or a mall at a set time (the school's library or a counselor stands it down, unless the
    # message says "not at school").
    ConceptRule(
        "tells a student they need no parent's permission",
        CATEGORY,
        ("no_permission", ("old_enough", "mature")),
        none_of=_STORY,
        scope="message",
        adult_sender=True,
        negatable=False,
    ),
    ConceptRule(
        "claims a special bond and the student's secrets",
        CATEGORY,
        ("best_friend", "secrets_told"),
        none_of=(*_STORY, "help_resource"),
        scope="message",
        adult_sender=True,
        negatable=False,
    ),
    ConceptRule(
        "invites a student to meet away from school at a set time",
        CATEGORY,
        # Round 16: where the adult will be ("I'm at", "ando en") is a venue named too.
        ("meet_invite", ("venue_out", "at_place"), "clock_time"),
        none_of=(*_STORY, "school_venue", "help_resource"),
        scope="message",
        adult_sender=True,
        negatable=False,
    ),
    # Rounds 13 and 14 (en) (lexicons/en/veiled_r14.toml): the watched platform dropped once the
    # student is of age, "age is just a number" or the adult's closest bonds with much younger
    # people, and a dream about the student (one told to a group, "you guys", is none).
    ConceptRule(
        "looks forward to the student's coming of age, without the program",
        CATEGORY,
        ("age_frame", "drop_site"),
        none_of=_STORY,
        scope="message",
        adult_sender=True,
        negatable=False,
    ),
    ConceptRule(
        "says their closest bonds are with much younger people",
        CATEGORY,
        ("younger_bond", ("connect", "age_number")),
        none_of=_STORY,
        scope="message",
        adult_sender=True,
        negatable=False,
    ),
    ConceptRule(
        "says age is just a number to a student, with a bond or romance",
        CATEGORY,
        ("age_number", ("connect", "romance", "exclusive_bond", "soulmate", "what_we_have")),
        none_of=_STORY,
        scope="message",
        adult_sender=True,
        negatable=False,
    ),
    ConceptRule(
        "tells a student they dreamt about them",
        CATEGORY,
        ("dream_of_you",),
        none_of=("you_all",),
        adult_sender=True,
        negatable=False,
    ),
    # Round 16 (lexicons/<lang>/veiled_r16.toml); the English café or street corner at a day or a
    # time is the rule "invites a student to meet away from school at a set time" above, with the
    # English terms added. Another app asked about or offered by an adult ("do you have snap?",
    # "bájate telegram"), the watched platform's clunkiness as the reason; when the student's
    # caregivers are at work or who else is home (an event, a form or a pickup stands it down;
    # when they only get home stays the weak "schedule" signal); the student's looks remarked on
    # with advice on how to look ("pretty tired" is none; looks alone stay the "looks" signal).
    ConceptRule(
        "moves to a less watched channel",
        CATEGORY,
        ("app_ask", "app"),
        none_of=(*_STORY, "caution", "help_resource", "school_account", "official"),
        window=3,
        adult_sender=True,
    ),
    ConceptRule(
        "asks when the student's caregivers are away",
        CATEGORY,
        ("what_time", "caregiver_work", "household"),
        none_of=(*_STORY, "school_event", "school_venue"),
        scope="message",
        window=(8, 8),
        adult_sender=True,
    ),
    ConceptRule(
        "asks who else is home with the student",
        CATEGORY,
        ("who_home",),
        none_of=(*_STORY, "school_event"),
        adult_sender=True,
    ),
    ConceptRule(
        "remarks on a student's looks with advice on how to look",
        CATEGORY,
        ("looks_praise", "beauty", "style_advice"),
        none_of=(*_STORY, "degree_adverb", "you_all"),
        scope="message",
        window=(4, None),
        adult_sender=True,
    ),
)
# Individually mild: carried on the verdict as signals for conversation-level accumulation
# (moderation.review), flagged here only when two different ones come in one message.
SIGNAL_RULES = (
    ConceptRule(
        "mentions the student's people being away",
        "",
        ("your_people", "adults_away"),
        window=6,
        adult_sender=True,
        signal="schedule",
    ),
    ConceptRule(
        "asks when the student's parents are home",
        "",
        ("what_time", "parents_home"),
        scope="message",
        adult_sender=True,
        signal="schedule",
    ),
    ConceptRule(
        "asks whether the student is alone", "", ("alone_check",), adult_sender=True, signal="alone"
    ),
    ConceptRule(
        "asks who else reads the conversation",
        "",
        ("supervision", "read_verb"),
        window=6,
        adult_sender=True,
        signal="supervision",
    ),
    ConceptRule(
        "asks whether the student's people check their phone",
        "",
        ("your_people", "check_verb", "device"),
        window=5,
        adult_sender=True,
        signal="monitoring",
    ),
    ConceptRule(
        "claims a special bond", "", ("only_me",), adult_sender=True, signal="special_bond"
    ),
    ConceptRule(
        "claims a special bond", "", ("exclusive_bond",), adult_sender=True, signal="exclusive_bond"
    ),
    ConceptRule(
        "claims a special bond", "", ("bond_claim",), adult_sender=True, signal="exclusive_bond"
    ),
    ConceptRule(
        "says they think about the student",
        "",
        ("think_about_you",),
        adult_sender=True,
        signal="special_bond",
    ),
    ConceptRule(
        "talks about the student's age", "", ("age_question",), adult_sender=True, signal="age"
    ),
    ConceptRule(
        "compliments the student's looks",
        "",
        ("you", "beauty"),
        window=3,
        adult_sender=True,
        signal="looks",
    ),
    ConceptRule("offers a gift or money", "", ("gift",), adult_sender=True, signal="gift"),
    ConceptRule("offers a ride or a meeting", "", ("pickup",), adult_sender=True, signal="meeting"),
    ConceptRule(
        "suggests a more private place",
        "",
        ("private_place",),
        adult_sender=True,
        signal="elsewhere",
    ),
)


def _gift_from_family(a: Analysis, finding: Finding) -> bool:
    """Round 11 (en): a gift or money from the student's own people, passed on by the adult
    ("your mom said she'll send you some money for the trip"): the student's people named before
    the offer in its sentence, and the sender ("i", "me") nowhere between them. Round 16: the same
    for a ride ("what time can your parents pick you up after the fair?")."""
    if not finding.reason.startswith(FAMILY_DOES_REASONS) or finding.span is None:
        return False
    start = finding.span[0]
    at = next((i for i, s in enumerate(a.spans) if s[0] >= start), None)
    if at is None:
        return False
    clause = a.clauses[at]
    givers = [h for h in a.by_concept.get("your_people", ()) if h.clause == clause and h.end <= at]
    if not givers:
        return False
    first = min(h.end for h in givers)
    return not any(
        h.clause == clause and first <= h.start < at for h in a.by_concept.get("self", ())
    )


# What makes asking when the caregivers are away more than arranging an event with them.
UNSUPERVISED = ("alone_check", "who_home", "secret_bond", "dont_tell", "just_us", "unwatched")


def _caregiver_time_for_event(a: Analysis, finding: Finding) -> bool:
    """Round 16: when a caregiver is free, asked for a school event, a form or a pickup ("what
    time does your mom get off work? she could come to the meeting"): a phrase rule's finding on
    the time asked, with an event named and nothing about being alone or keeping it quiet."""
    if finding.span is None or not a.has("school_event"):
        return False
    if any(a.has(c) for c in UNSUPERVISED):
        return False
    start, end = finding.span
    return any(start <= a.span(h)[0] < end for h in a.by_concept.get("what_time", ()))


class GroomingDetector(Detector):
    name = "grooming"

    def detect(self, text: Normalized, context: Context) -> list[Finding]:
        if not context.adult_sender:
            return apply_rules(self.name, RULES, text, context)
        weak = apply_concept_rules(self.name, SIGNAL_RULES, text, context, self.lexicon)
        strong = self._strong(text, context)
        if not strong and len(signals(weak)) >= 2:
            spans = [f.span for f in weak if f.span]
            span = (min(s[0] for s in spans), max(s[1] for s in spans))
            names = ", ".join(sorted(signals(weak)))
            strong = [
                Finding(
                    detector=self.name,
                    category=CATEGORY,
                    reason=f"several grooming signals together ({names}): “{text.original[span[0] : span[1]]}”",
                    span=span,
                    score=0.8,
                    details={"signals": sorted(signals(weak))},
                )
            ]
        if strong:
            # Held anyway: the signals ride on the finding that holds it, still countable.
            names = sorted(signals(weak))
            if names:
                first = strong[0]
                strong[0] = dataclasses.replace(first, details={**first.details, "signals": names})
            return strong
        return weak

    def _strong(self, text: Normalized, context: Context) -> list[Finding]:
        a = analyse(text, self.lexicon)
        findings = [
            f
            for f in apply_rules(self.name, RULES, text, context)
            if not _gift_from_family(a, f) and not _caregiver_time_for_event(a, f)
        ]
        if not findings:
            findings = apply_concept_rules(self.name, CONCEPT_RULES, text, context, self.lexicon)
        # A surprise for the student's own people ("keep the surprise party a secret from your
        # sister") is secrecy with the family, not from it.
        # Round 18: so is a gift for them ("we got your dad a present for Father's Day, don't
        # tell him").
        advice = SAFETY_ADVICE.search(text.words.text) is not None or (
            a.has("surprise") or a.has("safety_advice") or stood_down(("family_gift",), a)
        )
        if advice:
            findings = [f for f in findings if f.reason.split(":")[0] not in SECRECY_REASONS]
        # Round 18: a secret or a bond quoted from a story, a lesson or in advice to report it is
        # not asked of the student.
        quoted = stood_down(TOLD_OF_OTHERS, a) or asks_to_report(a)
        if quoted:
            findings = [f for f in findings if f.reason.split(":")[0] not in QUOTED_REASONS]
        # "If anyone asks you to switch apps, tell your coordinator": the channel is named to be
        # reported, not offered.
        reported = reporting_advice(a, text.original)
        findings = [
            f
            for f in findings
            if not (f.reason.split(":")[0] in CHANNEL_REASONS | HIDING_REASONS and reported(f))
        ]
        if findings or not context.adult_sender or advice or quoted:
            return findings
        view = text.words
        found = {name: pattern.search(view.text) for name, pattern in CUES.items()}
        present = {name for name, m in found.items() if m}
        pair = None
        if "secrecy" in present and present - {"secrecy"}:
            pair = ("secrecy", sorted(present - {"secrecy"})[0])
        elif "alone" in present and present & {"meeting", "pictures"}:
            pair = ("alone", sorted(present & {"meeting", "pictures"})[0])
        if pair is None:
            return []
        first, second = found[pair[0]], found[pair[1]]
        start, end = min(first.start(), second.start()), max(first.end(), second.end())
        span = view.span(start, end)
        return [
            Finding(
                detector=self.name,
                category=CATEGORY,
                reason=f"{pair[0]} together with {pair[1]}: “{text.original[span[0] : span[1]]}”",
                span=span,
                score=0.75,
            )
        ]
