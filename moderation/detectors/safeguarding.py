# ruff: noqa: E501 (pattern tables are easier to read and review unwrapped)
"""Safeguarding: suicidal thoughts, self-injury, and disclosures of abuse or neglect.

These never stop a message (a student reaching out must be heard by their mentor) but always reach
staff at once: the policy makes them urgent. Patterns are written in the first person ("I", "me",
"myself") so that a mentor pointing to help ("if you ever want to hurt yourself, call 988") and
ordinary exaggeration ("I almost died laughing", "this homework is killing me") pass.
"""

from __future__ import annotations

import re

from ..lexicon import Analysis, Hit, analyse
from ..normalize import Normalized
from .base import Context, Detector, Finding, Rule, apply_rules, compile_words
from .concepts import ConceptRule, apply_concept_rules, negated, stood_down

SELF_HARM = "self_harm"
ABUSE = "abuse_disclosure"

FIRST_PERSON = r"(?:i|i'?m|im|i am|i'?ve|ive|i have|i'?ll|ill|i will|i'?d|id|i would|i just|i really|i kinda|i sometimes|i honestly|i still|i keep)"
CAREGIVER = (
    r"(?:(?:my|our) (?:mom'?s |mother'?s |dad'?s |father'?s )?(?:mom|mother|mum|dad|father|step ?(?:mom|dad|father|mother|brother|sister)|"
    r"parents?|uncle|aunt|auntie|cousin|brother|sister|grand(?:ma|pa|mother|father)|boyfriend|girlfriend|friend|boss|(?:mom|dad|mother|father)'?s friend|foster (?:mom|dad|parents?)|"
    r"guardian|babysitter|coach|neighbou?r|teacher|tutor|pastor|priest|family|sibling|mom'?s boyfriend|dad'?s girlfriend)|"
    r"(?:he|she|they|someone|somebody|(?:a|an|this|some|that|one) (?:grown |older |old )?(?:man|guy|woman|lady|adult|person|dude|teacher|coach|neighbou?r)))"
)
HARM = (
    r"(?:hit(?:s|ting)?(?! (?:me|us) up\b)|beats?|beating|punch(?:es|ed|ing)?|kicks?|kicked|kicking|slaps?|slapped|slapping|"
    r"chokes?|choked|choking|burns?|burned|burnt|hurts?|hurting|hurt|whips?|whipped|throws? (?:things|stuff) at|threw (?:things|stuff) at|"
    r"touch(?:es|ed|ing)?|molests?|molested|rapes?|raped|abuses?|abused|starves?|starved|"
    r"threatens?|threatened|shoves?|shoved|strangles?|strangled|keeps? hitting|locks?|locked|ties?|tied|"
    r"throws? (?:\w+ ){0,2}at|threw (?:\w+ ){0,2}at|yells at and hits|hits and yells at)"
)
# Whom the harm is done to: the student, or someone at home they are reporting on.
VICTIM = (
    r"(?:me|us|my (?:mom|mother|sister|brother|little (?:brother|sister)|baby (?:brother|sister)|siblings))(?!\w)"
    r"(?! back\b)(?! (?:at|in) (?:chess|checkers|cards|games?|the game|video games|\w+ball|soccer|tennis|"
    r"fortnite|minecraft|mario|racing|a race|math|everything|arm wrestling))"
)
# Not eating by the child's own choice ("starving myself", "I don't deserve food"): a self-harm
# reading, not neglect, unless an adult is named (`VOIDED_BY`: the adult keeps the finding).
_OWN_CHOICE = ("self_denial", "deny_food")
TIME = r"(?:(?:\d+|a few|few|several|two|three|four|five|many|a couple(?: of)?|couple) (?:days?|nights?|weeks?)|(?:the |a )?(?:whole|entire) (?:week|weekend|night|day)|all (?:week|night|day|weekend)|a week|days)"

RULES = (
    Rule(
        compile_words(
            r"(?:kill|killing|hurt|hurting|end|ending|off|offing|unalive|unaliving|harm|harming|cut|cutting|burn|burning|starve|starving|hang|hanging|shoot|shooting|drown|drowning|poison|poisoning) (?:my ?self)",
            r"(?:want|wanna|plan|planning|thinking about|think about|tried|try|trying|decided|ready) (?:to )?(?:die(?! (?:my|your|her|his|their) hair)|end it|end (?:it all|everything|my life)|take my (?:own )?life|not (?:be here|exist|wake up)|disappear (?:forever|for good))",
            r"(?:going|gonna) (?:to )?(?:end it all|end my life|take my (?:own )?life|kill myself)",
            r"(?:wanna|want to|gonna|going to|about to|finna|boutta|might|should|could just|just) kms|(?<![\d.] )kms(?= *(?:$|[.!?,]| fr| lol| rn| tbh| honestly))",
            r"(?:end|ending|take|taking) my (?:own )?life|end it all|ending everything|(?:feel like|want to|wanna|going to|gonna|might|ready to|about to|planning to|plan to) (?:end|ending) (?:it|everything|it all|things|my life)|"
            r"(?:don'?t think|doubt|not sure) i can (?:keep (?:going|living|doing this)|go on|live like this|survive this|take (?:it|this) anymore)|"
            r"(?:if|wish) i (?:just )?(?:wasn'?t|weren'?t|was not|were not) (?:here|around|alive)(?: anymore)?|(?:easier|better) (?:for everyone )?if i (?:just )?(?:disappeared|died|was gone|were gone|wasn'?t here|weren'?t here|didn'?t exist|was dead|were dead)|suicidal|(?:commit|committing|attempted|attempt|thinking about|thought about|thoughts of|considering) suicide|suicide (?:note|plan|attempt)|self[- ]?harm(?:ing|s|ed|er)?|unalive myself|overdos(?:e|ing|ed) on purpose",
            rf"{FIRST_PERSON} (?:wish|want|wanted|hope) (?:i|to) (?:was|were|could be|be)? ?(?:dead|gone|never born|not here|not alive|disappear(?! (?:into|in|for|on|to)\b)|vanish(?! (?:into|in|for|on|to)\b)|go away forever|fall asleep (?:and|&) never wake up|not wake up|never wake up)",
            r"(?:wish|want|wanted|wanna) (?:i could |to )?(?:just )?(?:disappear|vanish|go away|not exist|stop existing|fade away)(?! (?:into|in|for (?:a|the|an) (?:bit|while|day|weekend|week|hour)|on (?:a|vacation)|to (?:a|the|my)))(?: forever| for good| and never come back| permanently)?",
            r"(?:no ?one|nobody|no one) would (?:even )?(?:notice|care|miss me)(?: if i (?:was|were|died|disappeared|left|wasn'?t here))?",
            r"(?:every(?:one|body)|the world|people|my family|they|you all|you guys|my friends|my (?:mom|dad|parents)|everything)(?: would| will|'d| 'd) (?:be )?(?:better|happier|fine|easier)(?: off)? (?:without me|if i (?:was|were|wasn'?t|weren'?t) (?:gone|dead|here|around|alive)|if i (?:died|disappeared|left for good))",
            r"(?:no|don'?t (?:see|have) (?:a|any)|can'?t (?:see|find|think of) (?:a|any)|there'?s no|what'?s the) (?:reason|point) (?:for me |for living |in me )?(?:to|in|of|for) (?:even )?(?:keep (?:going|living|trying)|keeping going|living|going on|being alive|life|me being here|waking up|trying anymore|staying alive|live|exist|be (?:alive|here)|stay alive|wake up|go on)",
            r"(?:nothing|no one|nobody|nothing left) to live for|(?:can'?t|cannot|don'?t want to|do not want to) (?:go on|keep going|do this anymore|live like this|be alive|live anymore|keep living)(?: anymore)?",
            r"(?:tired|sick) of (?:living|being alive|life|existing)|(?:don'?t|do not) want to (?:live|be alive|exist|wake up|be here anymore|be around anymore)(?: anymore)?|better off dead|rather be dead|(?:i'?m|i am) a burden(?: to everyone| to my family)?",
            r"(?:cut|cutting|cuts|scratch(?:ed|ing)?|burn(?:ed|ing|t)?|hit(?:ting)?) (?:my ?self|my (?:arms?|wrists?|legs?|thighs?|skin))|(?:razor|blade)s? (?:on|to|for) my|(?:scars?|cuts) on my (?:arms?|wrists?|legs?|thighs?)|pills? to (?:sleep forever|end it|not wake up)",
            r"(?:took|swallowed|take|taking|gonna take|going to take) (?:a bunch of|all (?:of )?(?:my|the|mom'?s|dad'?s)|too many|a lot of|a handful of|like \d+|\d+|a whole bottle of|the whole bottle of) (?:(?:my |the |his |her )?[a-z]+'?s )?(?:pills|tablets|meds|medicine|sleeping pills|painkillers|advil|tylenol)",
            r"(?:thinking|thought|think|thinkin) (?:about|of|bout) (?:ending (?:it|it all|my life|things|everything)|killing myself|suicide|dying|not being here|not existing|disappearing)",
            r"(?:life|living|my life) (?:isn'?t|is not|'s not|ain'?t|is not even) worth (?:it|living)|not worth living|(?:isn'?t|is not) worth living",
            r"(?:been|keep|kept|started|start|still|i'?m|im|am) (?:cutting|burning|hurting|scratching)(?: myself)?(?: again| lately| every \w+| a lot)|cutting again|relapsed (?:on|into) (?:cutting|self[- ]?harm)",
            r"(?:i'?m|im|i am|i'?m so|i'?m just) (?:done|finished|over it) with (?:life|living|everything|it all|this life|being alive|existing)",
            r"(?:sleep|go to sleep|fall asleep|close my eyes)(?: \w+){0,3}? (?:and )?(?:never|not) wake up|never wake up again|(?:wish|hope|want) (?:i )?(?:could |would |to )?(?:never|not) wake up",
            r"(?:want|need|wish) (?:for )?(?:it|everything|it all|the pain|this|all of (?:it|this)|my life|life) (?:all )?(?:to|would) (?:stop|end|be over|go away)",
            r"(?:ways?|how|methods?|easiest way|best way|quickest way|painless way) to (?:die|kill (?:myself|yourself|urself)|end (?:it|my life|your life)|overdose|hang (?:myself|yourself)|commit suicide|not wake up)|painless (?:way to go|death)",
            r"(?:jump|jumping|throw myself|throwing myself) (?:off|from|in front of) (?:a|the|my|this) (?:bridge|roof|building|train|cliff|balcony|window|overpass|car|bus|truck)|(?:step|walk|stepping|walking) in front of (?:a|the) (?:train|car|bus|truck)",
            r"(?:i|i'?m|im) (?:should|should just|could just|might as well|need to|deserve to) (?:just )?(?:die|be dead|disappear|kill myself|not exist|not be alive)",
            r"(?:pills|meds|medicine|tablets)(?: \w+){0,3} (?:to|so i could|so i'?d|so that i) (?:make it (?:all )?stop|end it|not wake up|die|sleep forever|feel nothing|stop feeling|disappear|never wake up)",
            r"(?:won'?t|will not|am not going to|i'?m not going to|not gonna) be (?:around|here|alive) (?:much longer|for long|anymore|tomorrow|next week|by \w+)|(?:said|saying|say) goodbye (?:to (?:\w+ ){1,2})?(?:because|since|for good|forever|one last time)",
            r"(?:my )?life (?:is|feels|seems) (?:so |totally |completely )?(?:pointless|meaningless|hopeless|worthless|over|not worth living|empty)|i (?:just )?want out(?: of (?:this|life|here|everything))?(?= *(?:[.!,]|$))",
            r"(?:going to|gonna|want to|wanna|plan to|planning to|about to|tried to|trying to|will|i'?ll) (?:just )?(?:overdose|od|take (?:all|a bunch|too many) (?:of )?(?:my |the )?(?:pills|meds))",
            r"(?:keep|keeping|saving|save|hiding|hide|stockpiling|stockpile|collecting|collect|stashing|stash) (?:[\w']+ ){0,3}?(?:pills|meds|medicine|razors?|blades?)(?: \w+){0,5}? (?:just in case|for later|for when|for the day|for one day)",
            r"(?:hope|wish|want|pray) (?:that )?i (?:just )?(?:die|don'?t wake up|never wake up|get hit by a (?:car|bus|truck|train)|get killed|stop breathing)|better off (?:gone|not here|not existing|not alive|not around|without me)",
            r"(?:don'?t|do not|wouldn'?t|would not) (?:even )?care (?:if|whether) i (?:die|died|live or die|lived|get hurt|wake up|was dead|were dead)",
            r"(?:write|wrote|writing) (?:a |my )?(?:suicide |goodbye )?note|giving away my (?:stuff|things)|say(?:ing)? goodbye (?:to everyone|for good|forever)",
        ),
        "expresses thoughts of suicide or self-harm",
        SELF_HARM,
        score=0.95,
        # A cut or a burn denied while cooking ("used the big knife and didn't cut myself once").
        none_of=(("unhurt", "incidental"),),
    ),
    Rule(
        compile_words(
            rf"{CAREGIVER}(?: \w+){{0,6}}? {HARM} {VICTIM}",
            rf"(?:{CAREGIVER}|(?:he|she|they)) (?:said|says|told me|threatens?|threatened|swore)(?: that)? (?:he|she|they)?(?:'d|'ll| would| will| is going to| was going to| gonna)? ?(?:hurt|kill|hit|beat|punish|get) (?:me|us|my \w+)(?: if| when| unless)",
            r"(?:does|did|do|doing|done|tries|tried) (?:stuff|things|something|bad things|weird things|gross things|things i don'?t like) to me",
            r"(?:bruises?|marks?|burns?|welts?|cuts?|scars?) (?:\w+ ){0,5}?(?:from|because|where|when|after) (?:\w+ ){0,3}?(?:my (?:mom|mother|dad|father|step ?\w+|parents?|uncle|aunt|brother|sister|grand\w+|boyfriend|guardian)|he|she|they)(?!\w)",
            rf"{CAREGIVER}(?: \w+){{0,6}}? (?:grab(?:s|bed)?|yank(?:s|ed)?|drag(?:s|ged)?|pull(?:s|ed)?|shake(?:s)?|shook) (?:me|us) (?:by|so hard|hard|and|around|across|out of|until)",
            rf"{CAREGIVER}(?: \w+){{0,6}}? {HARM} (?:\w+ ){{0,3}}?(?:and|or) (?:sometimes |even |also |then |at )?(?:me|us)(?!\w)",
            r"(?:sit|sat|sitting) on (?:his|her|their) lap|(?:touch|touched|touches|touching) me (?:and|when|where|under|over|there)",
            r"(?:is|are|'s|'re) gone (?:most|all|every|for) (?:days?|nights?|the time|week|weekend|weeks)|(?:spends?|spent|uses?|used) (?:the|our|all the|my) (?:food|rent|grocery|lunch) money",
            r"(?:leave|leaves|left|leaving) (?:me|us) (?:home alone|alone|by (?:myself|ourselves)) (?:for (?:days|a week|weeks|the weekend|\w+ days)|with no (?:food|money)|without (?:food|money))",
            r"(?:not allowed|aren'?t allowed|isn'?t allowed|can'?t|cannot|won'?t let me) (?:to )?eat|(?:no|without) (?:food|dinner|eating|meals?) (?:as|for) (?:a )?punishment|(?:starve|starves|starving|starved) (?:me|us)",
            rf"(?:haven'?t|have not|didn'?t|did not) (?:seen|heard from|talked to) (?:my|our) (?:mom|mother|dad|father|parents?|guardians?|grandma|grandpa|aunt|uncle) (?:in|for|since) (?:{TIME}|\d+ days|a week|\w+day)",
            rf"{CAREGIVER}(?: \w+){{0,6}}? (?:slams?|slammed|smashed|bangs?|banged|hits?|hit|shoved|pushed|threw|throws|kicked|dragged|pulled|twisted|choked|burned) (?:my|me by my) (?:head|face|arm|arms|wrist|hair|neck|body|back|leg|legs)",
            rf"{CAREGIVER}(?: \w+){{0,6}}? (?:makes?|made|forces?|forced|tells?|told|wants?|wanted|asks?|asked|gets?|got) me (?:to )?(?:take (?:a )?(?:baths?|showers?) with|sleep (?:in|with)|get (?:in|into) (?:his|her|their) bed|undress|get naked|take off my|look at|watch|touch|kiss|sit on|keep (?:it|this|what happened|us) (?:a )?secret|not (?:to )?tell|lie to)",
            rf"{CAREGIVER}(?: \w+){{0,6}}? (?:showed|shows|sent|sends) me (?:pictures|photos|videos|pics|things|stuff|porn|naked)",
            rf"(?:hide|hiding|lock myself|run away|scared|afraid|terrified)(?: \w+){{0,6}}? (?:when|because|if|whenever) {CAREGIVER} (?:\w+ )?(?:gets? )?(?:drunk|high|wasted|violent|hits|hurts|beats|throws|comes home|starts yelling|gets angry)",
            r"(?:groceries|food|lights|electricity|power|heat|water|gas)(?: \w+){0,3} (?:got |were |was |been )?(?:cut off|shut off|turned off|ran out|run out)|(?:nobody|no one)(?:'s| has)? (?:bought|buys|made|makes|cooked|cooks) (?:groceries|food|dinner|meals?)|locks? (?:the|up the) (?:fridge|food|pantry|kitchen)|locked (?:the|up the) (?:fridge|food|pantry|kitchen)",
            r"(?:take care of|raise|feed|look after) my (?:little )?(?:brothers?|sisters?|siblings) (?:alone|by myself|on my own)",
            r"(?:touch(?:es|ed|ing)?|grab(?:s|bed)?|rubs?|rubbed|feels?|felt) (?:me on )?my (?:private|privates|private parts|body|chest|butt|bottom|parts|breasts?|thighs?|crotch)|(?:touch(?:es|ed|ing)?) me down there",
            rf"{CAREGIVER}(?: \w+){{0,6}}? (?:pushed|shoved|threw|kicked|dragged) (?:me|us) (?:down|into|against|across|off|out of|through)",
            rf"{CAREGIVER}(?: \w+){{0,6}}? (?:sleeps?|slept|lies|lay|gets?|got|climbs?|climbed) (?:in|into|on) (?:my|our) bed",
            r"(?:comes?|came|sneaks?|snuck|gets?|got) (?:into|in) (?:my|our) (?:room|bed|bedroom|shower|bathroom) (?:at night|when|while|every)",
            r"(?:makes?|made|forces?|forced|gets?|got) me (?:to )?(?:do|touch|watch|try) (?:things|stuff|something|it)(?= (?:i|that|when|he|she|to|with)\b)",
            r"(?:nobody|no one|no adult|no grown ?up)(?: has| have|'s)? (?:been|is|was|came|come) (?:home|here|around|back)(?: for| in| since)",
            r"(?:won'?t|doesn'?t|don'?t|never|wouldn'?t) (?:let|lets) (?:me|us) (?:eat|sleep|leave the house|go outside|see anyone)|(?:won'?t|doesn'?t|don'?t|never|didn'?t) (?:feed|give) (?:me|us)(?: (?:food|anything to eat|dinner))?(?! (?:a|the|my|your|money|advice|rides?|time)\b)",
            rf"{CAREGIVER} (?:always |sometimes |often |still |keeps? )?(?:makes?|made|forces?|forced|tells?|told) me (?:to )?(?:touch|take off|undress|keep (?:it )?(?:a )?secret|not tell|sleep in (?:his|her|their) bed|watch (?:porn|videos))",
            r"(?:i get|i got|i'?m|i am|i was|we get|we got|we were) (?:hit|beaten|beat|hurt|slapped|punched|kicked|burned|locked (?:in|out|up)|touched|abused|molested|raped|starved|choked|whipped) (?:by (?:my|him|her|them|his|their|an? (?:adult|man|guy|grown|older))|at home|when (?:my|he|she|they)|if i|every (?:day|night|time)|all the time|again|a lot)",
            r"(?:touch(?:es|ed|ing)?|feel(?:s)? me up|touched me) (?:me )?(?:down there|in my private|in places|where (?:i|it)|under my|when no one|at night|in my (?:bed|room|sleep))",
            r"(?:afraid|scared|terrified|frightened) (?:to go|of going|to be|of being) (?:back )?home|(?:scared|afraid|terrified) of (?:my|our) (?:mom|mother|dad|father|step ?\w+|parents?|uncle|brother|guardian|family|mom'?s boyfriend)",
            r"(?:bruises?|marks?|burns?|welts?) (?:from|because of|that) (?:my|our|him|her|them|when he|when she)|(?:hide|cover(?: up)?) (?:the |my )?(?:bruises?|marks?)",
            r"(?:no|there'?s no|there is no|we have no|we don'?t have|we do not have|haven'?t had) (?:any )?(?:heat|electricity|water|power) (?:at home|in the house|in our (?:house|apartment)|for days|since|in \w+ days|at my house)",
            r"(?:no|we have no|had no|without|haven'?t had) (?:(?:food|heat|electricity|water|power|lights|money)(?: or| and|,) )+(?:food|heat|electricity|water|power|lights) (?:at home|in the house|for (?:days|a week|weeks|\w+ days)|since)",
            r"(?:my |our )?(?:parents?|mom|dad|mother|father|guardians?|grandma|grandpa) (?:are|is|has been|have been|were|was|went) (?:gone|away|missing|not home|not back|nowhere to be found)(?: for| since| all| again| and|$|[.!,])",
            rf"(?:mom|mother|dad|father|parents?|guardian|step ?\w+|grandma|grandpa|aunt|uncle|they|she|he) (?:hasn'?t|haven'?t|has not|have not|didn'?t|did not|never) (?:come|came|been|got(?:ten)?) (?:back|home)(?: (?:in|for|since) (?:{TIME}|\w+day|last \w+))",
            rf"(?:left|leaves|leaving) (?:me|us) (?:alone|home alone|by (?:myself|ourselves)|with no (?:food|money))(?: for| (?:in|since))? ?(?:{TIME}|the weekend|all weekend|overnight|again)",
            r"(?:kicked|threw|thrown|locked) (?:me|us) out(?: of the house| of home)?|(?:nowhere|no where|no place) (?:to|for (?:me|us) to) (?:sleep|stay|live|go tonight)|(?:sleeping|sleep|living) (?:in (?:a|the|our) car|on the street|outside)",
            r"(?:no ?one|nobody) (?:feeds|takes care of|looks after|is taking care of) (?:me|us)|i have to (?:take care of|feed) (?:myself|my (?:little )?(?:brother|sister|siblings)) because",
        ),
        "discloses abuse or neglect",
        ABUSE,
        score=0.95,
    ),
    # No food, or days without eating: neglect, unless the child goes without by their own
    # choice ("haven't eaten in three days on purpose, I don't deserve it"; `_OWN_CHOICE`).
    Rule(
        compile_words(
            r"(?:never|no|not enough|isn'?t any|is no|hardly any|barely any|isn'?t enough) food (?:at|in) (?:my|our|the) (?:house|home|apartment|place)|(?:always|so) hungry because|go to (?:bed|sleep|school) hungry",
            r"(?:there'?s|there is|there'?s just) (?:never|no|hardly|barely) (?:any )?(?:food|anything to eat)",
            r"(?:there'?s|there is|we have|we got|we'?ve got) (?:nothing|no food) (?:to eat|in the (?:fridge|house)|for (?:dinner|us|me))",
            r"(?:no|there'?s no|there is no|we have no|we don'?t have|we do not have|haven'?t had) (?:any )?(?:food|anything to eat|dinner) (?:at home|in the house|in our (?:house|apartment)|for days|since|in \w+ days|at my house)",
            rf"(?:haven'?t|have not|didn'?t|did not|hasn'?t) (?:eaten|had (?:food|dinner|a meal|anything to eat)) (?:in|for|since) (?:{TIME}|yesterday|\w+day)",
        ),
        "discloses abuse or neglect",
        ABUSE,
        score=0.95,
        none_of=_OWN_CHOICE,
    ),
)


# The same phenomena as concepts (moderation/lexicons/<lang>/{harm,selfharm}.toml), in any
# language the lexicons cover: who does what to whom, means and method questions, past acts,
# farewells. A book, a history lesson or a health class being discussed lowers confidence.
_STORY = ("literature", "idiom")
CONCEPT_RULES = (
    # Round 10 (moderation/lexicons/<lang>/veiled.toml): a hot object held on the child by an
    # adult, with an injury or a punishment; a cover story taken back.
    ConceptRule(
        "an adult burns the child with a hot object",
        ABUSE,
        ("press_act", "hot_object", "abuser_adult", ("injury", "punish_cue")),
        none_of=_STORY,
        scope="message",
        window=(6, 40, 40),
    ),
    ConceptRule(
        "a cover story for an injury taken back",
        ABUSE,
        ("retract", "injury", ("abuser_adult", "said_before")),
        none_of=(*_STORY, "medical"),
        scope="message",
    ),
    # Veiled forms (moderation/lexicons/<lang>/veiled.toml): not planning to be around, how deep
    # to cut, a past attempt and the wish it had worked; an adult who keeps the child alone and
    # swears them to secrecy; an injury with the words the child was told to say.
    ConceptRule(
        "says they will not be around long",
        SELF_HARM,
        ("not_around_long",),
        none_of=(*_STORY, "moving"),
        negatable=False,
    ),
    ConceptRule(
        "says they will not live to an age or a day",
        SELF_HARM,
        ("not_reach_age", "milestone"),
        none_of=(*_STORY, "moving", "laughter"),
        window=8,
        negatable=False,
    ),
    ConceptRule(
        "searched how much of a means it takes",
        SELF_HARM,
        ("searched", "method_question", "means"),
        none_of=(*_STORY, "safe_use"),
        scope="message",
    ),
    ConceptRule(
        "asks how dying by a means goes",
        SELF_HARM,
        ("method_question", "die_process"),
        none_of=_STORY,
        scope="message",
    ),
    ConceptRule(
        "asks how deep to cut", SELF_HARM, ("cut_depth", "vein"), none_of=_STORY, scope="message"
    ),
    ConceptRule("tells of a past suicide attempt", SELF_HARM, ("past_attempt",), none_of=_STORY),
    ConceptRule("wishes a past attempt had worked", SELF_HARM, ("wish_not_found",), none_of=_STORY),
    ConceptRule(
        "an adult keeps the child alone and swears them to secrecy",
        ABUSE,
        ("abuser_adult", "kept_alone", ("swore_secret", "told_secret", "secret_bond")),
        none_of=(*_STORY, "surprise"),
        scope="message",
        adult_sender=False,
    ),
    ConceptRule(
        "an injury with the words the child was told to say",
        ABUSE,
        (
            "injury",
            "told_to_say",
            "abuser_adult",
            ("if_asked", "cover_story", "cause_from", "play"),
        ),
        none_of=_STORY,
        scope="message",
    ),
    ConceptRule(
        "a cover story the child was told to give",
        ABUSE,
        ("told_to_say", "if_asked", "abuser_adult", "cover_story"),
        none_of=_STORY,
        scope="message",
    ),
    ConceptRule("wishes to die", SELF_HARM, ("death_wish",), none_of=_STORY, score=0.9),
    ConceptRule(
        "thinks others are better off without them", SELF_HARM, ("better_without_me",), score=0.9
    ),
    ConceptRule(
        "asks about a means of suicide",
        SELF_HARM,
        ("method_question", "means", "lethal"),
        scope="message",
    ),
    ConceptRule(
        "asks how much of a means it takes", SELF_HARM, ("method_purpose", "means"), scope="message"
    ),
    ConceptRule(
        "sees no future past a milestone",
        SELF_HARM,
        ("no_future", "milestone"),
        scope="message",
        negatable=False,
    ),
    ConceptRule("plans to jump", SELF_HARM, ("jump_act", "height_means"), none_of=("play",)),
    ConceptRule(
        "someone else plans to jump from a height",
        SELF_HARM,
        ("third_jump", "height_means"),
        none_of=(*_STORY, "play"),
        scope="message",
    ),
    ConceptRule("hoards a means of self-harm", SELF_HARM, ("hoard", "means"), window=5),
    ConceptRule(
        "a friend is at risk of suicide", SELF_HARM, ("third_person_suicide",), none_of=_STORY
    ),
    ConceptRule(
        "farewell with a hint of absence",
        SELF_HARM,
        ("gratitude_total", ("absence_hint", "not_be_here")),
        none_of=("schedule",),
        scope="message",
    ),
    ConceptRule("wrote farewell letters", SELF_HARM, ("letters", "finality"), scope="message"),
    ConceptRule(
        "wrote a farewell letter",
        SELF_HARM,
        ("farewell_letter",),
        none_of=(*_STORY, "schedule"),
    ),
    ConceptRule(
        "a letter to their people for when they are gone",
        SELF_HARM,
        (
            "letter",
            ("gone_for_good", "better_without_me", "not_be_here"),
            ("family_target", "friend", "loved_ones"),
        ),
        none_of=(*_STORY, "schedule"),
        scope="message",
    ),
    ConceptRule(
        "fights an urge with a blade at hand",
        SELF_HARM,
        ("resist_urge", "sharp_means"),
        none_of=(*_STORY, "incidental"),
        scope="message",
    ),
    ConceptRule(
        "asks for a high place nearby",
        SELF_HARM,
        ("superlative", "height_means", "nearby"),
        none_of=_STORY,
    ),
    # Dwelling on a height, traffic or an open car door as a way out, without "jump" or "die".
    ConceptRule(
        "dwells on a height or traffic as a way out",
        SELF_HARM,
        ("contemplate", "height_means", "edge_act"),
        none_of=(*_STORY, "play"),
        scope="message",
    ),
    ConceptRule("took a quantity of pills", SELF_HARM, ("took_past", "quantity", "means")),
    ConceptRule("self-harm again", SELF_HARM, ("sh_act", "again"), none_of=("incidental",)),
    ConceptRule(
        "self-harm with a means",
        SELF_HARM,
        ("sh_act", "sh_means"),
        none_of=("incidental",),
        scope="message",
    ),
    ConceptRule(
        "says goodbye with finality",
        SELF_HARM,
        ("farewell", "gratitude_total"),
        none_of=("schedule",),
        scope="message",
    ),
    ConceptRule(
        "gives belongings away",
        SELF_HARM,
        ("give_away", "not_need"),
        none_of=("donate",),
        scope="message",
    ),
    ConceptRule(
        "sees no point in living",
        SELF_HARM,
        ("pointless", "being_alive"),
        none_of=_STORY,
        window=4,
        negatable=False,
    ),
    ConceptRule(
        "says this is the last they will be heard from",
        SELF_HARM,
        ("last_contact",),
        none_of=(*_STORY, "schedule", "play", "laughter"),
    ),
    ConceptRule(
        "will carry it out, with a hint of absence or farewell",
        SELF_HARM,
        (
            "carry_out",
            ("absence_hint", "farewell", "gratitude_total", "not_be_here", "last_contact"),
        ),
        none_of=_STORY,
        scope="message",
    ),
    ConceptRule(
        "a relapse of self-harm with a means",
        SELF_HARM,
        ("relapse", ("sh_means", "sharp_means")),
        none_of=("incidental",),
        scope="message",
    ),
    # A wish or plan for oneself followed closely by not living ("ojalá ya no amaneciera",
    # "ando pensando en colgarme"); "morir de risa" and the like are idioms.
    ConceptRule("wishes not to live", SELF_HARM, ("wish", "stop_living"), none_of=_STORY, window=4),
    ConceptRule(
        "sees no reason to go on living",
        SELF_HARM,
        ("no_point", "go_on"),
        none_of=(*_STORY, "schedule", "play"),
        # Counted from the first word of a phrase up to five words long.
        window=7,
        negatable=False,
    ),
    ConceptRule(
        "leaves a farewell message for their people",
        SELF_HARM,
        (
            "pass_on",
            "love_them",
            ("farewell", "gratitude_total", "leaving", "care_for", "finality", "not_be_here"),
        ),
        none_of=(*_STORY, "schedule"),
        scope="message",
    ),
    ConceptRule(
        "keeps a means for when they give up",
        SELF_HARM,
        ("means", "for_when"),
        none_of=(*_STORY, "incidental"),
        scope="message",
    ),
    # Round 8's families (docs/moderation.md, "r8").
    # A sharp means taken up again on a part of the body, or where nobody looks.
    ConceptRule(
        "self-harm with a sharp means on the body",
        SELF_HARM,
        ("sharp_means", "sh_body", ("again", "relapse", "use_again", "hide_cue")),
        none_of=(*_STORY, "incidental"),
        scope="message",
    ),
    # How high a place is, asked with what it would take or whether one would survive.
    ConceptRule(
        "asks how high a place is, as a way out",
        SELF_HARM,
        ("height_question", "height_means", ("survive", "method_purpose", "lethal")),
        none_of=(*_STORY, "play"),
        scope="message",
    ),
    # At a height now, looking down at the drop (not at a view, fireworks or a parade).
    ConceptRule(
        "looks down from a height",
        SELF_HARM,
        ("height_means", "look_down", "drop"),
        none_of=(*_STORY, "play", "view_ok"),
        scope="message",
    ),
    # Everything ready for a day, and a goodbye.
    ConceptRule(
        "has everything ready and says goodbye",
        SELF_HARM,
        # A goodbye, not thanks alone ("everything is ready for the bake sale, thanks for everything").
        ("ready_plan", ("farewell", "last_contact", "not_be_here")),
        none_of=(*_STORY, "schedule", "chore", "play"),
        scope="message",
    ),
    # A method looked up so that it would not hurt (not a shot or a piercing).
    ConceptRule(
        "looks up a way to do it without pain",
        SELF_HARM,
        # "it", a means or a lethal word: how to do a backflip without it hurting is no method.
        ("research", "painless", ("lethal", "means")),
        none_of=(*_STORY, "medical"),
        scope="message",
    ),
    ConceptRule(
        "says they will not be here",
        SELF_HARM,
        ("not_be_here", ("apology", "farewell")),
        none_of=("schedule",),
        scope="message",
        negatable=False,
    ),
    # Abuse: the act first, so "never hits me" / "nunca me pega" is read as negated.
    ConceptRule(
        "an adult harms the child",
        ABUSE,
        (("harm_act", "severe_act"), "abuser_adult", "victim_self"),
        none_of=(*_STORY, "play"),
        window=5,
    ),
    ConceptRule(
        "a caregiver harms the child while drunk",
        ABUSE,
        ("harm_act", "intoxicated", "abuser_adult", "victim_self"),
        none_of=(*_STORY, "play"),
        window=6,
    ),
    ConceptRule(
        "someone does things to the child that the child does not want",
        ABUSE,
        (
            "does_things",
            ("unwanted", "nobody_around", "told_secret", "tell_condition", "fear"),
            ("abuser_adult", "abuser_peer"),
        ),
        none_of=(*_STORY, "play", "laughter"),
        scope="message",
    ),
    ConceptRule(
        "someone watches the child undress or wash",
        ABUSE,
        ("watch_me", "undressed", ("abuser_adult", "abuser_peer")),
        none_of=(*_STORY, "play", "laughter"),
        scope="message",
    ),
    ConceptRule(
        "someone comes into the child's room at night or in secret",
        ABUSE,
        (
            "intrudes",
            (
                "night",
                "unwanted",
                "told_secret",
                "tell_condition",
                "fear",
                "nobody_around",
                "undressed",
                "not_believed",
            ),
            ("abuser_adult", "abuser_peer"),
        ),
        none_of=(*_STORY, "play", "laughter"),
        scope="message",
    ),
    ConceptRule(
        "an injury explained away with a lie",
        ABUSE,
        ("cover_told", "injury"),
        none_of=_STORY,
        scope="message",
    ),
    ConceptRule(
        "someone does severe harm to the child that the child does not want",
        ABUSE,
        ("severe_act", ("abuser_adult", "abuser_peer"), "victim_self", "unwanted"),
        none_of=(*_STORY, "play", "laughter"),
        window=8,
    ),
    ConceptRule(
        "a relative does severe harm to the child",
        ABUSE,
        ("severe_act", "abuser_peer", "victim_self"),
        none_of=(*_STORY, "play"),
        window=5,
    ),
    ConceptRule(
        "someone makes the child do things",
        ABUSE,
        ("coerce", ("abuser_adult", "abuser_peer")),
        none_of=_STORY,
    ),
    ConceptRule(
        "an injury from a person",
        ABUSE,
        ("injury", ("harm_act", "severe_act"), ("abuser_adult", "abuser_peer")),
        none_of=(*_STORY, "play"),
        scope="message",
    ),
    # An act with a cover story names the child harmed ("me pegó y me puse maquillaje"): a cousin
    # who took the child's makeup ("agarró mi maquillaje") harms no one.
    ConceptRule(
        "an injury with a cover story",
        ABUSE,
        ("cover_story", "injury"),
        none_of=(*_STORY, "play"),
        scope="message",
    ),
    ConceptRule(
        "an injury with a cover story",
        ABUSE,
        ("cover_story", ("harm_act", "severe_act"), "victim_self"),
        none_of=(*_STORY, "play"),
        scope="message",
    ),
    ConceptRule(
        "afraid to go home",
        ABUSE,
        ("avoid_home", ("intoxicated", "fear", "harm_act", "abuser_adult")),
        # A game, told laughing ("when my cousin is there, he always wins at 2k lol").
        none_of=(("play", "laughter"),),
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "afraid of someone at home",
        ABUSE,
        ("fear", "abuser_adult", "victim_self"),
        # Fear of the news or of a parent's immigration status is no fear of a person; nor is
        # the fear in a coming-out told with a parent's kindness ("my dad was scared at first
        # but he hugged her"), unless a harm or an injury is named (`VOIDED_BY`).
        none_of=(*_STORY, "play", "laughter", "status_worry", ("identity_noun", "kindness")),
    ),
    ConceptRule(
        "an adult touches the child's body",
        ABUSE,
        ("severe_act", "body_part", "victim_self"),
        none_of=(*_STORY, "play"),
        window=4,
    ),
    ConceptRule(
        "an injury with a cover story",
        ABUSE,
        ("cover_story", "injury", ("abuser_adult", "abuser_peer")),
        # A bruise from a dive at volleyball that the coach praised ("said it was worth it").
        none_of=(*_STORY, ("play", "praise")),
        scope="message",
    ),
    ConceptRule(
        "an injury caused by someone",
        ABUSE,
        ("injury", "cause_from"),
        none_of=(*_STORY, "play"),
        window=4,
    ),
    ConceptRule(
        "an adult told the child to keep it secret",
        ABUSE,
        ("told_secret", "abuser_adult"),
        none_of=_STORY,
        scope="message",
    ),
    ConceptRule("put out of the house", ABUSE, ("kicked_out",), none_of=_STORY),
    # Degrading punishment or neglect: made to sleep in the garage, outside, without food.
    ConceptRule(
        "a caregiver punishes the child with a place to sleep or no food",
        ABUSE,
        ("made_to", "sleep_eat", "harsh_place", "abuser_adult"),
        none_of=(*_STORY, "play"),
        scope="message",
    ),
    ConceptRule(
        "a caregiver withholds food",
        ABUSE,
        ("made_to", "no_meal", "abuser_adult"),
        none_of=(*_STORY, "play"),
        scope="message",
    ),
    ConceptRule(
        "someone forces the child into sexual acts or pictures",
        ABUSE,
        ("coerce_any", "intimate", ("abuser_adult", "abuser_peer")),
        none_of=_STORY,
        scope="message",
    ),
    ConceptRule(
        "threatened into silence",
        ABUSE,
        ("tell_condition", "consequence"),
        none_of=_STORY,
        scope="message",
    ),
    # Food the child refuses by their own choice (`_OWN_CHOICE`) is no neglect.
    ConceptRule(
        "no food at home",
        ABUSE,
        ("no_food", ("home", "abandoned")),
        none_of=_OWN_CHOICE,
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "left alone by a caregiver",
        ABUSE,
        ("abandoned", ("no_food", "abuser_adult")),
        # A night out, the movies or an hour at the store is no abandonment.
        none_of=("short_outing", *_OWN_CHOICE),
        scope="message",
    ),
    # Round 8's families (docs/moderation.md, "r8").
    # The child hides from a caregiver who drinks or frightens them.
    ConceptRule(
        "hides from someone at home who drinks or frightens them",
        ABUSE,
        ("hide_self", ("intoxicated", "fear", "drinks"), "abuser_adult"),
        none_of=(*_STORY, "play", "laughter"),
        scope="message",
    ),
    # Round 10 (es) (lexicons/es/veiled_r10.toml): a household poison asked about as a way to
    # die; no point in living with thinking how; belongings handed over for when one is gone; a
    # train's timetable with nothing more to endure.
    ConceptRule(
        "asks about swallowing a household poison",
        SELF_HARM,
        ("household_poison", "ingest", ("painless", "method_question", "lethal")),
        none_of=(*_STORY, "medical"),
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "sees no point in living and thinks how",
        SELF_HARM,
        ("how_would", ("no_point", "death_wish")),
        none_of=(*_STORY, "play"),
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "hands belongings over for when they are gone",
        SELF_HARM,
        ("hand_over", "gone_for_good"),
        none_of=(*_STORY, "moving"),
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "looks up a train with nothing more to endure",
        SELF_HARM,
        ("endure_end", ("rail_schedule", "height_means")),
        none_of=(*_STORY, "moving", "play"),
        scope="message",
        negatable=False,
    ),
    # Not waking up, wished for with a plan or as a relief to others ("si ya no despierto nadie
    # me va a extrañar"); not waking on time for a test is no wish.
    ConceptRule(
        "wishes not to wake up, with a plan or as a relief to others",
        SELF_HARM,
        ("not_waking_if", ("plan_made", "relief_to_others", "better_without_me")),
        none_of=(*_STORY, "play"),
        scope="message",
        negatable=False,
    ),
    # A place to jump already chosen, with a day or a time set ("already picked out which
    # bridge, friday after school"; "ya escogí cuál puente, el viernes"): a plan. Choosing one to
    # draw, tour or photograph, or for a class project, is not (`visit_plan`; "after school" is a
    # time, so school words do not stand it down).
    ConceptRule(
        "has chosen a place to jump and set a time",
        SELF_HARM,
        ("chose_place", "height_means", "when_set"),
        none_of=(*_STORY, "play", "visit_plan"),
        scope="message",
        negatable=False,
    ),
    # Cut again and hidden ("otra vez me corté ... pa que no se vea"): a shaving blade named as
    # the means is no shaving accident then.
    ConceptRule(
        "cut again and hides it",
        SELF_HARM,
        ("sh_act", "again", "hide_cue"),
        none_of=_STORY,
        scope="message",
        negatable=False,
    ),
    # An adult in the child's life hits them with an object ("me da con la manguera").
    ConceptRule(
        "is hit with an object by an adult",
        ABUSE,
        ("hit_with", "implement", ("abuser_adult", "injury")),
        none_of=(*_STORY, "play", "laughter"),
        scope="message",
    ),
    # Round 11 (en) (lexicons/en/veiled_r11.toml): marks from an adult that kept the child home or
    # out of sight; an injury the child may not explain; shut out of the home as a punishment or
    # all night; a worse implement used on the child, told with resignation.
    ConceptRule(
        "an injury from an adult kept the child home from school",
        ABUSE,
        ("injury", "kept_home", ("abuser_adult", "anger")),
        none_of=(*_STORY, "play", "illness", "medical"),
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "may not say how an injury happened",
        ABUSE,
        ("not_allowed_tell", "injury"),
        none_of=(*_STORY, "play", "laughter", "surprise", "medical", "illness"),
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "is shut out of the home as a punishment",
        ABUSE,
        ("shut_out", ("night_cold", "punish_cue")),
        none_of=(*_STORY, "play", "laughter"),
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "an adult uses a worse implement on the child",
        ABUSE,
        ("strike_end", ("resigned", "harm_act", "severe_act", "injury", "on_me"), "abuser_adult"),
        none_of=(*_STORY, "play", "laughter"),
        scope="message",
        negatable=False,
    ),
    # Round 11 (Spanish) (lexicons/es/veiled_r11.toml): being a burden to one's family ("siento
    # que estorbo", "tendrían menos gastos sin mí"); not waking wished for with relief or
    # weariness ("si mañana no me levanto mejor"; waking on time for a test or a game passes);
    # neglect (a caregiver who no longer leaves the room, no food, the child feeding the
    # siblings); violence between the adults at home, with a flight from the house.
    ConceptRule(
        "feels a burden to their family",
        SELF_HARM,
        ("burden_self", ("loved_ones", "family_target", "without_me", "lighter_load")),
        none_of=(*_STORY, "play", "laughter"),
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "says their family would be better off without them",
        SELF_HARM,
        ("without_me", "lighter_load", ("loved_ones", "family_target")),
        none_of=(*_STORY, "play", "schedule", "moving"),
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "wishes not to wake up, with relief or weariness",
        SELF_HARM,
        ("not_waking_if", ("relief_better", "weary")),
        none_of=(*_STORY, "play", "on_time", "chore", "schedule"),
        scope="message",
        window=8,
        negatable=False,
    ),
    ConceptRule(
        "a caregiver withdrawn and no food at home",
        ABUSE,
        ("caregiver_withdrawn", ("child_provides", "scarce_food", "no_food")),
        none_of=(*_STORY, "short_illness"),
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "feeds the siblings with no food at home",
        ABUSE,
        ("child_provides", "scarce_food"),
        none_of=(*_STORY, "play", "laughter"),
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "an adult at home hurts or threatens the other parent",
        ABUSE,
        ("dv_act", "abuser_adult", ("family_target", "loved_ones", "dv_aftermath", "intoxicated")),
        none_of=(*_STORY, "play", "laughter"),
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "fled the house from a violent or drunk adult",
        ABUSE,
        ("dv_aftermath", ("intoxicated", "dv_act", "dv_break", "fear"), "abuser_adult"),
        none_of=(*_STORY, "play", "laughter"),
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "an adult at home breaks things, drunk or frightening",
        ABUSE,
        ("dv_break", ("intoxicated", "fear", "dv_act"), "abuser_adult"),
        none_of=(*_STORY, "play", "laughter"),
        scope="message",
        negatable=False,
    ),
    # Rounds 13 and 14 (Spanish) (lexicons/es/veiled_r14.toml): not eating on purpose, purging; a
    # pet given to someone to keep for good, and ready; standing at the edge of a height,
    # "almost"; photos or accounts deleted with a goodbye; "if I am not online, you know why"; an
    # injury from an object with the game it was said to be from denied; a weapon shown to keep
    # the child quiet.
    ConceptRule(
        "goes without food on purpose",
        SELF_HARM,
        ("starve_self", "on_purpose"),
        none_of=_STORY,
        scope="message",
        negatable=False,
    ),
    ConceptRule("makes themselves vomit", SELF_HARM, ("purge",), none_of=_STORY, negatable=False),
    ConceptRule(
        "purges after eating or going without",
        SELF_HARM,
        ("purge_hint", ("starve_self", "on_purpose")),
        none_of=_STORY,
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "leaves a pet to be kept for good, and is ready",
        SELF_HARM,
        ("pet", "entrust", "care_forever", ("ready_self", "ready_plan")),
        none_of=(*_STORY, "schedule", "short_outing"),
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "stood at the edge of a height, and almost",
        SELF_HARM,
        ("edge_spot", "high_place", "almost"),
        none_of=(*_STORY, "play", "view_ok"),
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "deletes their photos or accounts and says goodbye",
        SELF_HARM,
        ("erase_self", ("said_bye", "farewell", "easier_all")),
        none_of=(*_STORY, "storage", "schedule"),
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "if they are not online, the reader knows why",
        SELF_HARM,
        ("absence_if", ("know_why", "met_farewell")),
        none_of=(*_STORY, "schedule"),
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "an injury from an object, its cover story denied",
        ABUSE,
        ("implement", ("injury", "body_part"), ("cause_from", "not_a_game", "abuser_adult")),
        none_of=(*_STORY, "play", "laughter"),
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "a weapon shown to keep the child quiet",
        ABUSE,
        ("tell_condition", "weapon", ("abuser_peer", "abuser_adult")),
        none_of=(*_STORY, "play"),
        scope="message",
        negatable=False,
    ),
    # Rounds 13 and 14 (en) (lexicons/en/veiled_r14.toml): food refused as undeserved or on
    # purpose (self-harm, not neglect: see `_OWN_CHOICE`); a farewell that names a better
    # place with an absence or "don't worry"; a caregiver's gun dwelt on when alone; the arms kept
    # covered for a reason not to be asked; a swollen face with the cause a caregiver said to give.
    ConceptRule(
        "refuses food as undeserved",
        SELF_HARM,
        ("deny_food",),
        none_of=(*_STORY, "laughter"),
        negatable=False,
    ),
    ConceptRule(
        "has not eaten and does not deserve to",
        SELF_HARM,
        (("no_food", "no_meal", "not_eaten"), "undeserving"),
        none_of=_STORY,
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "will be somewhere better, with an absence",
        SELF_HARM,
        ("better_place", ("absence_hint", "dont_worry", "not_be_here", "finality")),
        none_of=(*_STORY, "vacation", "moving", "short_outing"),
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "dwells on a weapon when alone",
        SELF_HARM,
        ("contemplate", "weapon", ("alone_time", "alone_check", "nobody_around")),
        none_of=(*_STORY, "gun_safety", "play"),
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "keeps the arms covered for a reason not to be asked",
        SELF_HARM,
        ("cover_arms", "hidden_reason"),
        none_of=(*_STORY, "sleeve_reason", "play"),
        scope="message",
        negatable=False,
    ),
    # Disclosure families by kind (docs/moderation.md; lexicons/<lang>/veiled_families.toml):
    # a farewell without a key word, a height asked "just to know", not eating for a weight or
    # for the control, a cover story with a person's anger, home avoided while an adult (or his
    # car) is there, a private hug called a secret, an odd touch called normal.
    ConceptRule(
        "thanks the mentor for everything and wants them to know before",
        SELF_HARM,
        ("gratitude_total", "know_before"),
        none_of=(*_STORY, "schedule", "vacation", "moving"),
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "an absence to come, and it is not the mentor's fault",
        SELF_HARM,
        ("absence_if", "not_your_fault"),
        none_of=(*_STORY, "vacation", "moving", "short_outing"),
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "asks how high a place is, just to know",
        SELF_HARM,
        ("height_question", "height_means", "just_curious"),
        none_of=(*_STORY, "play", "visit_plan", "vacation", "schedule", "chore"),
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "goes without food until a weight",
        SELF_HARM,
        ("starve_self", "weight_goal", "weight_unit"),
        none_of=_STORY,
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "goes without food for the control",
        SELF_HARM,
        ("starve_self", "control_feel"),
        none_of=_STORY,
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "a cover story for if anyone asks, with a person's anger",
        ABUSE,
        ("if_asked", ("cover_story", "fake_cause"), "anger"),
        none_of=(*_STORY, "laughter", "surprise"),
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "does not want to go home while an adult is there",
        ABUSE,
        ("avoid_home", "home_presence"),
        none_of=(*_STORY, "play", "laughter", "surprise"),
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "an adult's hug or touch in private, called a secret",
        ABUSE,
        (
            "hug_touch",
            "private_room",
            ("secret_bond", "told_secret", "swore_secret"),
            "abuser_adult",
        ),
        none_of=(*_STORY, "surprise", "laughter"),
        scope="message",
        negatable=False,
    ),
    ConceptRule(
        "an adult touches the child oddly and calls it normal",
        ABUSE,
        ("odd_touch", ("says_normal", "secret_bond", "told_secret", "abuser_adult")),
        none_of=(*_STORY, "play", "laughter"),
        scope="message",
    ),
    ConceptRule(
        "an injury with the cause a caregiver said to give",
        ABUSE,
        ("injury", "told_to_say", "abuser_adult", ("fake_cause", "cover_story")),
        none_of=(*_STORY, "medical", "illness"),
        scope="message",
        negatable=False,
    ),
)


# Concepts that keep a self-harm finding standing in a message that otherwise reads as
# hyperbole about a chore: a means, an act, a past overdose, a plan to jump.
CONCRETE_SELF_HARM = ("means", "sh_act", "sh_means", "took_past", "jump_act", "farewell_letter")


# What says a wish to vanish is more than a moment's: for good, nothing to live for, gone.
_NOT_A_MOMENT = (
    "for_good",
    "finality",
    "gone_for_good",
    "no_future",
    "pointless",
    "not_be_here",
    "recurring",
)


def death_wish_hyperbole(a: Analysis) -> bool:
    """A death wish said laughing about a chore or a game lost ("this essay makes me want to die
    lol", "i want to die lol we lost the match"), or said of a moment of embarrassment ("my
    brother told everyone about my crush, so embarrassing, i wanted to disappear", "me dio tanta
    vergüenza que me quería morir") or of a mishap in front of others ("i tripped in the cafeteria
    and the whole grade saw, i wanted to disappear"), with nothing concrete (a means, an act) and
    nothing saying it is serious, for good or happening over and over."""
    if a.has("serious") or any(a.has(c) for c in CONCRETE_SELF_HARM):
        return False
    if a.has("laughter") and (a.has("chore") or a.has("lost_game")):
        return True
    moment = a.has("embarrassment") or a.has("public_moment")
    return moment and not any(a.has(c) for c in _NOT_A_MOMENT)


def _only_negated_harm(a: Analysis, span: tuple[int, int] | None) -> bool:
    """Every act of harm inside `span` is negated ("my dad never hits me")."""
    if span is None:
        return False
    acts = [
        h
        for c in ("harm_act", "severe_act")
        for h in a.by_concept.get(c, ())
        if span[0] <= a.spans[h.start][0] < span[1]
    ]
    return bool(acts) and all(negated(a, h) for h in acts)


# Who the person words are: the child's own people, or the one the child says was harmed.
PERSON = ("abuser_adult", "abuser_peer")
ACTS = ("harm_act", "severe_act")
BODY = ("body_any", "body_part")


# A Spanish verb with the child's pronoun attached: "lastimarme", "pegarnos", "golpeándome".
_ENCLITIC_SELF = re.compile(r"(?:ar|er|ir|ando|iendo)(?:me|nos)(?:lo|la|los|las)?$")


def _act_names_the_child(a: Analysis, clause: int) -> bool:
    return any(
        h.clause == clause and _ENCLITIC_SELF.search(a.tokens[h.end - 1]) is not None
        for c in ACTS
        for h in a.by_concept.get(c, ())
    )


def _possessive_of_no_victim(a: Analysis, hit: Hit) -> bool:
    """A possessive that names no one harmed: the person who acts ("my" in "my dad grabbed a
    huge fish": right before a person word, with an act after it in the clause), or a thing
    after the act ("mi cuarto" in "mi tío pegó el póster en mi cuarto"). "My dad hit me", "mi
    papá me agarró" keep their "me"; "hit my little brother" and "grabbed my arm" keep their
    victim."""
    if not any(
        p.start == hit.start and p.end == hit.end for p in a.by_concept.get("possessive", ())
    ):
        return False
    acts_after = any(
        h.clause == hit.clause and h.start > hit.end for c in ACTS for h in a.by_concept.get(c, ())
    )
    if _act_names_the_child(a, hit.clause):
        # An act that carries the child in it ("quiere lastimarme", "golpeándonos").
        return False
    if any(h.start == hit.end for c in PERSON for h in a.by_concept.get(c, ())):
        # "my dad" before an act is the actor's; after one ("hit my little brother"), the victim.
        return acts_after
    acts_before = any(
        h.clause == hit.clause and h.end <= hit.start for c in ACTS for h in a.by_concept.get(c, ())
    )
    # After the act, a possessive names the child harmed only with a part of the body
    # ("grabbed my arm"), not with a thing ("pegó el póster en mi cuarto").
    return acts_before and not any(
        h.start == hit.end for c in BODY for h in a.by_concept.get(c, ())
    )


# "Me toca lavar los platos", "nos tocó limpiar el salón", "me tocaba ir por las tortillas":
# "tocar" before an infinitive is a turn or a chore that falls to someone, not a touch. An
# infinitive ends in -ar, -er or -ir, with its pronouns after it ("lavarlos"); these words end so
# and are none ("me tocó ayer", "me tocó primer lugar").
_TURN_FORMS = frozenset(
    {"toca", "toco", "tocaba", "tocaban", "tocan", "tocara", "tocaria", "tocaron", "toque"}
)
_INFINITIVE = re.compile(r"^[a-zñ]*(?:ar|er|ir)(?:(?:me|te|se|nos|le|les|lo|la|los|las){1,2})?$")
_NOT_INFINITIVES = frozenset(
    {
        "ayer",
        "mujer",
        "lugar",
        "hogar",
        "cualquier",
        "placer",
        "taller",
        "azucar",
        "collar",
        "altar",
        "primer",
        "tercer",
        "familiar",
        "particular",
        "celular",
        "militar",
        "regular",
        "popular",
        "similar",
        "dolar",
        "alfiler",
        "caracter",
        "crater",
        "mar",
        "bar",
        "par",
    }
)


def _turn_to(a: Analysis, hit: Hit) -> bool:
    """An act that is "tocar" before an infinitive: a turn, not a touch."""
    if hit.end - hit.start != 1 or a.tokens[hit.start] not in _TURN_FORMS:
        return False
    if hit.end >= len(a.tokens) or a.clauses[hit.end] != hit.clause:
        return False
    following = a.tokens[hit.end]
    return following not in _NOT_INFINITIVES and _INFINITIVE.match(following) is not None


def _read_away(a: Analysis, hit: Hit) -> bool:
    if hit.concept == "victim_self":
        return _possessive_of_no_victim(a, hit)
    if hit.concept in ACTS:
        return _turn_to(a, hit)
    return False


def rules_read_no_harm(a: Analysis) -> bool:
    """The safeguarding rules' reading (`_safeguarding_concepts`) takes away every act of harm or
    every word naming the child harmed that the lexicons found ("mi tío pegó las fotos en mi
    cuarto", "mi mamá dice que me toca lavar los platos"), and no injury, fear or unwanted or
    intimate act is named: the learned detector's abuse reading stands down with the rules'."""
    read = _safeguarding_concepts(a)
    if read is a or any(a.has(c) for c in ("injury", "fear", "unwanted", "intimate")):
        return False
    return not any(read.has(c) for c in ACTS) or not read.has("victim_self")


def _safeguarding_concepts(a: Analysis) -> Analysis:
    """The concepts the safeguarding rules read: the child is no victim by a possessive that
    names no one harmed (`_possessive_of_no_victim`), and "tocar" before an infinitive is no
    touch (`_turn_to`)."""
    return a.keeping(lambda h: not _read_away(a, h))


class SafeguardingDetector(Detector):
    name = "safeguarding"

    def detect(self, text: Normalized, context: Context) -> list[Finding]:
        a = analyse(text, self.lexicon)
        found = apply_rules(self.name, RULES, text, context, lambda r: stood_down(r.none_of, a))
        if (
            a.has("laughter")
            and a.has("abuser_peer")
            and not any(a.has(c) for c in ("abuser_adult", "severe_act", "fear", "injury"))
        ):
            # Siblings or classmates play-fighting, told laughing ("punched me for my fries lol").
            found = [f for f in found if f.category != ABUSE]
        found = [f for f in found if f.category != ABUSE or not _only_negated_harm(a, f.span)]
        have = {f.category for f in found}
        rules = [r for r in CONCEPT_RULES if r.category not in have]
        found += apply_concept_rules(
            self.name, rules, text, context, self.lexicon, analysis=_safeguarding_concepts(a)
        )
        if death_wish_hyperbole(a):
            found = [f for f in found if f.category != SELF_HARM]
        found = [f for f in found if not _about_a_character(a, f)]
        return [f for f in found if not _inside_idiom(a, f)]


def _about_a_character(a: Analysis, finding: Finding) -> bool:
    """Round 11 (en): a self-harm finding about someone in a book, a show or a film ("the girl
    in the book i'm reading self harms"): a story named, a third person before the finding in its
    clause, the word just before it not the student's own ("i", "my"), and nothing that says the
    student does it too ("me too", "like me")."""
    if finding.category != SELF_HARM or finding.span is None:
        return False
    if not a.has("literature") or a.has("not_a_story") or a.has("same_as_me"):
        return False
    start = finding.span[0]
    at = next((i for i, s in enumerate(a.spans) if s[0] >= start), None)
    if at is None:
        return False
    clause = a.clauses[at]
    if at and any(
        h.start <= at - 1 < h.end for h in a.by_concept.get("self", ()) if h.clause == clause
    ):
        return False
    return any(h.clause == clause and h.end <= at for h in a.by_concept.get("story_person", ()))


def _inside_idiom(a: Analysis, finding: Finding) -> bool:
    """A self-harm finding whose words are part of an idiom ("want to die of embarrassment",
    "me muero de vergüenza"), with nothing concrete (a means, an act) in the message."""
    if finding.category != SELF_HARM or finding.span is None:
        return False
    if any(a.has(c) for c in CONCRETE_SELF_HARM):
        return False
    start, end = finding.span
    return any(
        s[0] < end and start < s[1] for s in (a.span(h) for h in a.by_concept.get("idiom", ()))
    )
