"""Round 11's English families of phrasing (docs/moderation.md, "Round 11 (after), English").

The phrasings here were written for these tests, not taken from the round's file: each family was
named from a miss (what is said, by whom, to whom), then written again with other words, persons
and registers, with benign near-misses that must still pass (scores and quiz marks in emoji, a
school office's number given by staff, online-safety tips, a novel's character, a parent locked
out, a belt for a costume, hyperbole, identity words, a walk home together).
"""

import pytest

from tests.moderation.families import MENTOR, STUDENT, caught, run

# (category, text) from a mentor to a student: held.
FROM_ADULTS = [
    # money offered to the student, with its source kept from the family
    ("grooming", "I can Venmo you a little for the field trip, just say a friend paid for it"),
    ("grooming", "Let me send you some cash for new shoes. Don't tell your mom it came from me"),
    ("grooming", "I'll put fifty dollars on a gift card for you, keep it quiet where you got it"),
    ("grooming", "Need money for lunch? I can Cash App you, say you found it"),
    # the student's body or appeal remarked on with innuendo
    ("sexual", "Look at you all grown up, the boys must be lining up 😏"),
    ("sexual", "You're getting so mature, you must be driving the guys crazy"),
    ("sexual", "All those boys at your school won't know what hit them, you've grown up so much"),
    # a sexual word for the student in a photo or video, or more asked for
    ("sexual", "You look so sexy in your new profile pic"),
    ("sexual", "That selfie from the beach? Hot. Send me more like that"),
    ("sexual", "Saw your TikTok dance, you looked hot in it, got any others?"),
]

# (category, text) from a student: held (sexual, contact), flagged (toxicity) or urgent.
FROM_STUDENTS = [
    # a phone number in keycap emoji or split into groups joined by words
    ("contact_info", "text me 4️⃣0️⃣8️⃣ 5️⃣5️⃣5️⃣ 0️⃣1️⃣4️⃣7️⃣ after practice"),
    ("contact_info", "3️⃣1️⃣2️⃣5️⃣5️⃣5️⃣0️⃣1️⃣9️⃣8️⃣ thats me"),
    ("contact_info", "my cell is 646 and then 555 and then 2231"),
    ("contact_info", "its 213, next 555, then 7788 but dont tell my mom"),
    # a peer's sexual dare on a camera
    ("sexual", "show me yours on snap and ill show u mine, dont be scared"),
    ("sexual", "i dare u to flash the camera when we video chat tonight"),
    ("sexual", "come on just flash me real quick on the call, nobody will know"),
    # a visit while the parents are away, with innuendo
    ("sexual", "my parents are gone all weekend, come over 😏 and not just to study"),
    ("sexual", "come over when your mom leaves for work, we dont have to just do homework 😈"),
    # marks from an adult that kept the student home from school
    ("abuse_disclosure", "my mom kept me home all week so nobody at school would see the bruises"),
    ("abuse_disclosure", "my dad lost it again, i stayed home till the marks on my arm faded"),
    ("abuse_disclosure", "i wasnt at school tuesday because my stepmom left welts on my legs"),
    # an injury the student may not explain, or there will be worse
    ("abuse_disclosure", "i cant tell anyone how i got this black eye or i get it worse"),
    ("abuse_disclosure", "my uncle says if i tell where the bruises came from its gonna be worse"),
    ("abuse_disclosure", "im not supposed to say who gave me these marks"),
    # shut out of the home as a punishment
    ("abuse_disclosure", "my mom locked me out of the house all night because i talked back"),
    ("abuse_disclosure", "they made me sleep outside on the porch in the cold as punishment"),
    ("abuse_disclosure", "when i break a rule my dad locks me outside till morning"),
    # a worse implement, with resignation
    ("abuse_disclosure", "my dad switched to the extension cord now, its whatever i deserve it"),
    ("abuse_disclosure", "she hits me with the metal end of the belt now, im used to it"),
    ("abuse_disclosure", "my stepdad uses a wire hanger on me now instead of his hand"),
    # told to go back where they came from, or that their kind is not wanted
    ("toxicity", "nobody wants you here, go back to your country"),
    ("toxicity", "ur kind isnt welcome at this school, go back where u came from"),
    ("toxicity", "people like you dont belong here, go back to where u came from"),
]

# A threat to follow or wait for someone on the way home: urgent toxicity (a threat of violence).
THREATS = [
    "he better watch his back walking home, i know what street he takes",
    "i know where she lives and which way she walks, she should watch herself",
    "imma follow him home after practice, not playing this time",
    "you better watch yourself on the way home, i know your route",
]


@pytest.mark.parametrize(("category", "text"), FROM_ADULTS)
def test_an_adults_families_are_held(category, text):
    verdict = run(text, MENTOR)
    assert (verdict.action, category in verdict.categories) == ("hold", True), verdict.reasons


@pytest.mark.parametrize(("category", "text"), FROM_STUDENTS)
def test_a_students_messages_are_caught(category, text):
    verdict = run(text, STUDENT)
    assert caught(verdict, category), verdict.reasons
    if category == "abuse_disclosure":
        assert verdict.priority == "urgent", verdict.reasons


@pytest.mark.parametrize("text", THREATS)
def test_a_threat_to_follow_someone_home_is_urgent(text):
    verdict = run(text, STUDENT)
    assert caught(verdict, "toxicity"), verdict.reasons
    assert verdict.priority == "urgent", verdict.reasons


@pytest.mark.parametrize(
    "text",
    [
        # emoji digits and numbers that are no phone number
        "i got 8️⃣ out of 🔟 on the quiz!!",
        "we scored 21 then 14 then 35 in the three quarters",
        "the bus goes 112 then 140 then 156 street",
        # a school office's number and e-mail, given by staff
        "The counseling office number is (555) 010-4410 during school hours, or email "
        "guidance@westfield.k12.us.",
        "If you need help with schedules, the counselor's office is at 555-010-3388 until 4pm.",
        # online-safety advice naming a number or an address
        "Quick tip: don't give your phone number or address to anyone you meet online.",
        "Safety reminder: never post your home address or your number on a public profile.",
        # a book's or a show's character who self-harms
        "the main character in our novel cuts herself and the author writes it really carefully",
        "in the show the boy self harms and his sister finds out, it was a sad episode",
        # money, a gift, and a secret that are ordinary
        "Your mom said she'll send you some money for the field trip, bring the form tomorrow",
        "The program covers the bus fare, just say you're with the mentoring club at the desk",
        # growing up, hot, and flashing that are ordinary
        "You've grown up so much as a writer this year, your essays are sharp",
        "It looked really hot at the track meet in your video, drink water!",
        "I loved the video of your science project, got any more like that?",
        "can u flash the lights at the end of the play so we know to bow",
        "show me yours and ill show u mine, my essay intro is so bad lol",
        # coming over while parents are out, to study
        "my parents are at work till 6, can you come over after and we study for chem?",
        # staying home, marks and bruises that are no abuse
        "i stayed home tuesday with the flu and the marks from the rash are fading",
        "i missed school because of the bruises from the car accident, mom took me to the doctor",
        "i cant tell anyone where the surprise party is or my sister will find out",
        # locked out, and belts, that are no punishment
        "my dad is locked out, can you call back later? i have to let him in",
        "i got locked out of my account all night, the reset email never came",
        "my belt buckle broke at the dance, its fine, im used to stuff breaking",
        "my dad uses the extension cord now for the christmas lights outside",
        # going back, and kinds, that are no insult
        "go back to where you came from in the maze and take the left path",
        "thank you for your kind words, no one has ever said that to me",
        "my grandma went back to where she came from, mexico, for the summer",
        # walking home that is no threat
        "watch yourself walking home, the sidewalks are icy tonight",
        "i know which way she walks home, we always go together after practice",
        "my mom will follow the bus home to make sure i get there ok",
        # identity words and hyperbole
        "i'm proud to be mexican and my family came here from oaxaca",
        "this homework is going to kill me, i swear",
    ],
)
def test_benign_near_misses_pass(text):
    verdict = run(text, MENTOR if text[0].isupper() else STUDENT)
    assert verdict.action == "deliver", verdict.reasons


# A second pass, written after the families above passed and scored before being widened: 17 of
# 20 unsafe caught, and 2 of 14 benign flagged by this round's first rules (a hot chocolate
# video, an answer "flashed"); kept here once fixed.
SECOND_PASS = [
    (
        MENTOR,
        "grooming",
        "I'll Zelle you forty bucks for prom, if your dad asks just say you won it",
    ),
    (
        MENTOR,
        "grooming",
        "Here's a little cash for your phone bill. Nobody has to know it came from me",
    ),
    (MENTOR, "sexual", "Wow you've matured, bet the guys at school are all over you"),
    (MENTOR, "sexual", "You're so grown up now, the boys are gonna be chasing after you 😏"),
    (MENTOR, "sexual", "You look so hot in your swim team photo, send more"),
    (MENTOR, "sexual", "That new reel of yours? You're so sexy in it"),
    (STUDENT, "sexual", "flash me on cam and ill send u something back"),
    (STUDENT, "sexual", "dare you to take your shirt off on facetime rn"),
    (
        STUDENT,
        "sexual",
        "my parents are out of town, u should come over 😏 we dont have to just study",
    ),
    (STUDENT, "abuse_disclosure", "my mom didnt let me go to school till the bruises went away"),
    (
        STUDENT,
        "abuse_disclosure",
        "my dad got drunk and i had to stay home because of the marks on my neck",
    ),
    (STUDENT, "abuse_disclosure", "if i say who gave me the black eye ill get it worse at home"),
    (STUDENT, "abuse_disclosure", "my stepmom locked me outside in the rain as punishment"),
    (STUDENT, "abuse_disclosure", "he uses the cord now, i dont even cry anymore"),
    (STUDENT, "toxicity", "go back to mexico nobody wants u here"),
    (STUDENT, "toxicity", "you people dont belong at this school"),
    (STUDENT, "toxicity", "she should watch her back on her way home, i know her route"),
    (STUDENT, "toxicity", "we gonna follow him home friday and hes gonna see"),
    (STUDENT, "contact_info", "my number no jk its 9️⃣1️⃣7️⃣ 5️⃣5️⃣5️⃣ 2️⃣2️⃣1️⃣0️⃣"),
    (STUDENT, "contact_info", "its 415 then 555 then 0199 hmu"),
]


@pytest.mark.parametrize(("context", "category", "text"), SECOND_PASS)
def test_phrasings_seen_while_tuning_are_caught(context, category, text):
    verdict = run(text, context)
    assert caught(verdict, category), verdict.reasons
    if category == "abuse_disclosure" or text.startswith(("she should", "we gonna")):
        assert verdict.priority == "urgent", verdict.reasons


@pytest.mark.parametrize(
    "text",
    [
        "The counselor's office number is 555-010-7712 if you want to set up a time",
        "Reminder: don't share your snapchat with strangers online",
        "Hot chocolate video from the club, any more like that?",
        "You looked so tired in the video, hope you got sleep",
        "Your grandpa said he'll Venmo you for the shoes, say thanks to him",
        "my mom wouldnt let me go to school till the cold went away",
        "the narrator cuts herself in chapter 3, i think the author is showing how alone she is",
        "in the movie she tries to kill herself and her brother saves her",
        "my sister locked me out of our room lol so annoying",
        "flash me the answer to number 3 real quick",
        "my parents are gone tonight come over and we can game 🎮",
        "go back to where you came from said the man in the story and it made me mad",
        "people like you make this school better",
        "my mom followed the bus home with her car",
    ],
)
def test_second_pass_near_misses_pass(text):
    verdict = run(text, MENTOR if text[0].isupper() else STUDENT)
    assert verdict.action == "deliver", verdict.reasons
