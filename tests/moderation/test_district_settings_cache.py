"""A district's moderation settings and keyword rules are cached per process, keyed by the
district's `moderation_version`: a change takes effect on the next send, in this process and in
any other (whose cache this process cannot touch)."""

from actions.messages import message_send
from moderation import district_settings
from moderation.models import DistrictModeration, KeywordRule

_n = iter(range(1_000_000))


def send(user, conversation, body):
    return message_send(
        sender=user, conversation_id=conversation.pk, client_id=f"dc{next(_n)}", body=body
    ).message


def cached_version(district_id):
    return district_settings._cache[district_id][0]


def test_a_send_caches_the_district_and_a_saved_threshold_applies_to_the_next_send(
    conversation, mentor, coordinator
):
    district_id = conversation.district_id
    assert send(mentor, conversation, "See you on Thursday").state == "delivered"
    before = cached_version(district_id)
    district_settings.district_moderation_save(
        district_id=district_id, toxicity_threshold=0.0, actor=coordinator
    )
    # Every score is at or above 0: flagged by the model, with the new setting, at once.
    assert send(mentor, conversation, "See you on Thursday again").state == "flagged"
    assert cached_version(district_id) > before


def test_a_change_saved_by_another_process_applies_here(conversation, mentor, coordinator):
    district_id = conversation.district_id
    assert send(mentor, conversation, "See you on Thursday").state == "delivered"
    # Another process saves: this process's cache is left exactly as it was.
    ours = dict(district_settings._cache)
    district_settings.keyword_rule_save(
        district_id=district_id,
        phrase="robotics club",
        category="grooming",
        action="hold",
        label="test",
        is_active=True,
        actor=coordinator,
    )
    district_settings._cache.clear()
    district_settings._cache.update(ours)
    assert send(mentor, conversation, "Join the Robotics Club!").state == "held"


def test_a_deleted_rule_stops_applying(conversation, mentor, coordinator):
    rule = district_settings.keyword_rule_save(
        district_id=conversation.district_id,
        phrase="robotics club",
        category="grooming",
        action="hold",
        label="",
        is_active=True,
        actor=coordinator,
    )
    assert send(mentor, conversation, "Join the robotics club").state == "held"
    district_settings.keyword_rule_delete(
        rule_id=rule.pk, district_id=conversation.district_id, actor=coordinator
    )
    assert send(mentor, conversation, "Join the robotics club today").state == "delivered"


def test_rows_written_past_the_services_move_the_version_too(conversation, mentor):
    # The admin and fixtures save the models; a data migration or a console updates querysets.
    assert send(mentor, conversation, "See you on Thursday").state == "delivered"
    KeywordRule.objects.create(
        district_id=conversation.district_id, phrase="thursday", category="grooming", action="hold"
    )
    assert send(mentor, conversation, "See you on Thursday!").state == "held"
    KeywordRule.objects.filter(district_id=conversation.district_id).update(is_active=False)
    assert send(mentor, conversation, "See you on Thursday?").state == "delivered"
    DistrictModeration.objects.create(district_id=conversation.district_id, toxicity_threshold=1)
    assert send(mentor, conversation, "See you on Thursday.").state == "delivered"
    DistrictModeration.objects.filter(district_id=conversation.district_id).update(
        toxicity_threshold=0
    )
    assert send(mentor, conversation, "See you on Thursday;").state == "flagged"


def test_the_cache_answers_while_the_version_stands(conversation, mentor, monkeypatch):
    assert send(mentor, conversation, "See you on Thursday").state == "delivered"
    loads = []

    def load(district_id):
        loads.append(district_id)
        return district_settings.DistrictSettings()

    monkeypatch.setattr(district_settings, "_district_settings_load", load)
    send(mentor, conversation, "See you on Thursday!")
    send(mentor, conversation, "See you on Thursday?")
    assert loads == []
    DistrictModeration.objects.create(district_id=conversation.district_id)
    send(mentor, conversation, "See you on Thursday.")
    assert loads == [conversation.district_id]
