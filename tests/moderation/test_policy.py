from moderation import policy
from moderation.detectors.base import Context, Detector, Finding
from moderation.pipeline import Pipeline


def f(category, **kw):
    return Finding(detector="t", category=category, reason=category, **kw)


def test_no_findings_delivers():
    v = policy.decide([])
    assert (v.action, v.categories, v.priority, v.reasons) == ("deliver", [], "low", [])


def test_safeguarding_is_always_urgent_and_delivered_with_a_flag():
    for category in ("self_harm", "abuse_disclosure"):
        v = policy.decide([f(category)])
        assert (v.action, v.categories, v.priority) == ("flag", [category], "urgent")
    # Urgent wins even alongside a hold.
    v = policy.decide([f("contact_info"), f("self_harm")])
    assert (v.action, v.categories, v.priority) == (
        "hold",
        ["contact_info", "self_harm"],
        "urgent",
    )


def test_contact_grooming_and_sexual_are_held():
    for category in ("contact_info", "grooming", "sexual"):
        v = policy.decide([f(category)])
        assert (v.action, v.priority) == ("hold", "high")


def test_toxicity_is_flagged_and_a_finding_may_raise_priority_or_action():
    assert (policy.decide([f("toxicity")]).action, policy.decide([f("toxicity")]).priority) == (
        "flag",
        "normal",
    )
    v = policy.decide([f("toxicity", priority="high")])
    assert (v.action, v.priority) == ("flag", "high")
    v = policy.decide([f("toxicity", action="hold")])
    assert v.action == "hold"


def test_a_threat_of_violence_to_a_person_is_urgent_wherever_it_is():
    # Issue 11, item 4: the finding's kind decides, not its category's default or its rule's
    # priority; where it is (a school) decides only whether the detector asks for a hold.
    v = policy.decide([f("toxicity", priority="high", details={"kind": "threat"})])
    assert (v.action, v.categories, v.priority) == ("flag", ["toxicity"], "urgent")
    v = policy.decide([f("toxicity", action="hold", details={"kind": "threat"})])
    assert (v.action, v.priority) == ("hold", "urgent")
    # An insult or a slur keeps its priority.
    v = policy.decide([f("toxicity", priority="high", details={"kind": "insult"})])
    assert v.priority == "high"


def test_the_toxicity_rules_mark_threats_so_the_policy_makes_them_urgent():
    from django.conf import settings

    from moderation.detectors.base import Context
    from moderation.pipeline import get_pipeline

    student = Context(
        sender_role="student",
        recipient_roles=("mentor",),
        link_allowlist=tuple(settings.MODERATION["LINK_ALLOWLIST"]),
    )
    pipeline = get_pipeline()
    away = pipeline.run(
        "say that again and ill beat the crap out of you", student, include_model=False
    )
    assert (away.action, away.priority) == ("flag", "urgent"), away.reasons
    school = pipeline.run("im bringing a knife to school tomorrow", student, include_model=False)
    assert (school.action, school.priority) == ("hold", "urgent"), school.reasons
    # Said laughing, or about a game, it is no threat to act on at once.
    joke = pipeline.run(
        "im gonna kill you if you spoil the finale lol", student, include_model=False
    )
    assert joke.priority != "urgent", joke.reasons
    insult = pipeline.run("you're such an idiot", student, include_model=False)
    assert insult.priority != "urgent", insult.reasons


def test_sexual_from_an_adult_to_a_student_is_also_grooming():
    assert policy.decide([f("sexual")], adult_sender=True).categories == ["grooming", "sexual"]
    assert policy.decide([f("sexual")], adult_sender=False).categories == ["sexual"]


def test_score_only_findings_add_scores_but_no_category():
    v = policy.decide([f("", score=0.0)], model_scores={"model.toxicity": 0.2})
    assert (v.action, v.categories, v.scores) == ("deliver", [], {"model.toxicity": 0.2})


def test_a_failed_detector_sends_the_message_to_review():
    v = policy.decide([], failures=["contact_info"])
    assert (v.action, v.priority) == ("flag", "normal")
    assert v.reasons[0]["reason"] == "detector contact_info failed on this message"


def test_unscored_follows_the_district_for_student_bound_messages():
    v = policy.apply_unscored(policy.decide([]), unscored_policy="hold", student_bound=True)
    assert (v.action, v.priority, v.scored) == ("hold", "normal", False)
    v = policy.apply_unscored(policy.decide([]), unscored_policy="flag", student_bound=True)
    assert v.action == "flag"
    # To adults only: flagged whatever the district chose for students.
    v = policy.apply_unscored(policy.decide([]), unscored_policy="hold", student_bound=False)
    assert v.action == "flag"
    # Never lowers a hold.
    held = policy.decide([f("contact_info")])
    assert policy.apply_unscored(held, unscored_policy="flag", student_bound=True).action == "hold"


class _Says(Detector):
    """A detector that finds what it is given, for every message."""

    def __init__(self, *findings, supplementary=False):
        super().__init__()
        self.findings = findings
        self.supplementary = supplementary

    def detect(self, text, context):
        return list(self.findings)


def test_a_second_opinion_adds_nothing_to_a_threat_the_rules_found():
    # The rules read a threat away from school (flagged, urgent by its kind); the learned
    # detector's reading of the same threat (held, urgent) is no higher priority, so it is dropped
    # and the rules' action stands.
    rules = _Says(f("toxicity", details={"kind": "threat"}))
    learned = _Says(f("toxicity", action="hold", priority="urgent"), supplementary=True)
    v = Pipeline([rules, learned]).run("say that again and see", Context(sender_role="student"))
    assert (v.action, v.priority) == ("flag", "urgent"), v.reasons
    # An insult the rules found at normal priority is raised by the learned threat.
    rules = _Says(f("toxicity"))
    v = Pipeline([rules, learned]).run("say that again and see", Context(sender_role="student"))
    assert (v.action, v.priority) == ("hold", "urgent"), v.reasons
