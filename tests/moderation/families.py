"""What the round-family tests share (test_round7_families.py and later): a student's and a
mentor's context, one message through the rules, and whether it was caught in a category."""

from django.conf import settings

from moderation.detectors.base import Context
from moderation.pipeline import get_pipeline
from moderation.policy import Verdict

STUDENT = Context(
    sender_role="student",
    recipient_roles=("mentor",),
    link_allowlist=tuple(settings.MODERATION["LINK_ALLOWLIST"]),
)
MENTOR = Context(sender_role="mentor", recipient_roles=("student",))
# The rule detectors alone, without the learned detector.
RULE_DETECTORS = [
    {"NAME": "moderation.detectors.contact.ContactInfoDetector"},
    {"NAME": "moderation.detectors.grooming.GroomingDetector"},
    {"NAME": "moderation.detectors.sexual.SexualContentDetector"},
    {"NAME": "moderation.detectors.safeguarding.SafeguardingDetector"},
    {"NAME": "moderation.detectors.toxicity.ToxicityRulesDetector"},
]


def run(text: str, context: Context = STUDENT) -> Verdict:
    return get_pipeline().run(text, context, include_model=False)


def caught(verdict: Verdict, category: str) -> bool:
    return verdict.action != "deliver" and category in verdict.categories
