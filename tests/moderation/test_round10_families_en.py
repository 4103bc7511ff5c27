"""Round 10's English families of phrasing (docs/moderation.md, "Round 10 (after, English)").

The phrasings here were written for these tests, not taken from the round's file: each family was
named from a miss (what is said, by whom, to whom), then written again with other words, persons
and registers, with benign near-misses that must still pass (a school e-mail, a bedtime routine, a
family photo, a play's kiss scene, a health lesson, cooking with a grandparent, a sports bruise).
"""

import pytest

from tests.moderation.families import MENTOR, STUDENT, caught, run

# (category, text) from a mentor to a student: held.
FROM_ADULTS = [
    # an app described rather than named, with how to find the sender there
    ("contact_info", "I'm on the ghost app too, search coach_dlt and add me"),
    ("contact_info", "Look me up on the little yellow ghost app, I'm ms.reyes_22"),
    ("contact_info", "Hit me up on the green chat app, search for rivera.mentor"),
    ("contact_info", "You on the app with the paper plane? Just search tutor_ben"),
    ("contact_info", "Add me on the purple gamer app, my tag is mrk_plays"),
    # a call or a chat timed to when the student's family sleeps
    ("grooming", "Text me once your parents go to bed, we can talk more then"),
    ("grooming", "We can FaceTime after everyone in your house is asleep"),
    ("grooming", "Message me when your mom's asleep so we don't get interrupted"),
    ("grooming", "Stay up until your family falls asleep and then call me"),
    # a remark on the student's clothes or on looking older in a photo
    ("sexual", "That skirt in your volleyball pic was really something, wow"),
    ("sexual", "Those shorts you wore on the call were a lot, damn"),
    ("sexual", "You could pass for 18 in that selfie"),
    ("sexual", "In your profile picture you look way older than 14"),
    ("sexual", "Your body is changing so fast, you look like you're 17 in that pic"),
    # kissing talk with a minor
    ("sexual", "Have you had your first kiss yet? You can tell me"),
    ("sexual", "I bet the boys line up to kiss you, are you a good kisser?"),
    ("sexual", "Have you ever practiced kissing with anyone?"),
    ("sexual", "Who taught you to kiss like that? 😘"),
    # intimate questions
    ("sexual", "Random but do you sleep naked or in pajamas?"),
    ("sexual", "What's your bra size now?"),
    ("sexual", "Do you wear anything under your pajamas?"),
]

# (category, text) from a student: held (sexual) or urgent (abuse).
FROM_STUDENTS = [
    # pictures of someone's private parts reported
    ("sexual", "some old guy on discord sent me a pic of his privates and wants one of mine"),
    ("sexual", "a boy in my grade keeps snapping me pictures of his junk"),
    ("sexual", "this man keeps sending photos of his private parts to me on tiktok"),
    # an intimate question reported
    ("sexual", "my tutor asked me what color underwear i had on, is that weird?"),
    ("sexual", "my coach asked if i sleep in the nude"),
    ("sexual", "the man from the shop asked me my bra size"),
    # what an older person says he wants to do to the student in bed
    ("sexual", "this 19 year old keeps texting me what he'd do to me in bed"),
    ("sexual", "my sister's boyfriend told me what he wants to do to me when we're alone in bed"),
    # a burn from a hot object, from a caregiver
    ("abuse_disclosure", "my stepmom pressed a hot spoon on my hand because i lied"),
    ("abuse_disclosure", "my dad put his cigarette out on my arm when i talked back"),
    ("abuse_disclosure", "my mom held my fingers over the burner to teach me a lesson"),
    ("abuse_disclosure", "my aunt pushed my hand onto the iron and now it has a blister"),
    # a cover story taken back
    ("abuse_disclosure", "the bruise isn't from soccer like i told you, my stepdad did it"),
    ("abuse_disclosure", "i lied about the marks on my neck. it was my mom's boyfriend"),
    ("abuse_disclosure", "the black eye wasn't really from the door like i said, my dad hit me"),
    (
        "abuse_disclosure",
        "i didn't really fall down the stairs, my uncle pushed me, thats the bruise",
    ),
]


@pytest.mark.parametrize(("category", "text"), FROM_ADULTS)
def test_an_adults_families_are_held(category, text):
    verdict = run(text, MENTOR)
    assert (verdict.action, category in verdict.categories) == ("hold", True), verdict.reasons


@pytest.mark.parametrize(("category", "text"), FROM_STUDENTS)
def test_a_students_reports_and_disclosures_are_caught(category, text):
    verdict = run(text, STUDENT)
    assert caught(verdict, category), verdict.reasons
    if category == "abuse_disclosure":
        assert verdict.priority == "urgent", verdict.reasons
    else:
        assert verdict.action == "hold", verdict.reasons


@pytest.mark.parametrize(
    "text",
    [
        # apps and handles that are school or harmless
        "Our class page is on the blue app the district uses, Schoology, search for Period 3",
        "Use your school email for the application, the counselor's office will reply there",
        "If the portal won't load, email the program office at mentoring@eastlake.k12.tx.us",
        "Locked out again? Write to help@springfieldisd.org and they'll reset your password",
        "The green app on your chromebook is the calculator, search for it in the launcher",
        # bedtimes and family sleep
        "Get some sleep tonight, your mom said you've been up late studying",
        "Call the homework line before your family goes to bed if you get stuck",
        "If you can't sleep because of the noise at home, talk to the counselor tomorrow",
        # photos, clothes, looking older, by a mentor about ordinary things
        "You look so happy in your graduation photo, congratulations!",
        "That photo of your grandpa looks older than 100 years, where did you find it?",
        "Wear shorts and sneakers for the field day photo, it gets hot",
        "Your team picture came out great, wow, everyone is smiling",
        # kisses in literature and sweets
        "In Romeo and Juliet, what does their first kiss at the party tell us?",
        "I brought Hershey's Kisses for everyone who finished the reading",
        # health class and bedtime routines
        "In health class we learned the names of private parts and it was so awkward",
        "What time do you go to bed on school nights? Sleep matters for test days",
        # cooking, burns from accidents, sports bruises
        "my grandma held my hand while we stirred the soup on the stove",
        "my uncle burned the burgers on the grill again lol",
        "i burned my hand on the oven rack making cookies, it's fine",
        "the bruise is from soccer like i said, i got kicked in the shin",
        "my mom said the bruise isn't from the shot, it's from bumping the table",
        # identity words and hyperbole
        "my mentor is gay and she told me about her first kiss with her wife, so cute",
        "i'm going to die if i don't pass this chem test",
    ],
)
def test_benign_near_misses_pass(text):
    verdict = run(text, MENTOR if text[0].isupper() else STUDENT)
    assert verdict.action == "deliver", verdict.reasons
