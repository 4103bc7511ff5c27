"""Service levels (time to first action per priority) and the moderation quality report."""

import datetime

from django.utils import timezone

from moderation.models import Action, ReviewItem
from moderation.review.actions import review_dismiss, review_uphold
from moderation.review_selectors import highlight_segments, quality_report, service_levels

from .conftest import login


def acted_after(item, minutes):
    ReviewItem.objects.filter(pk=item.pk).update(
        first_action_at=item.created_at + datetime.timedelta(minutes=minutes)
    )


def test_service_levels_per_priority(client, make_item, moderator, district):
    urgent = [make_item(f"u{i}", priority="urgent") for i in range(3)]
    high = make_item("h", priority="high")
    for item, minutes in zip(urgent[:2], (4, 10), strict=True):
        acted_after(item, minutes)
    ReviewItem.objects.filter(pk=urgent[2].pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=40)
    )
    rows = {
        r["priority"]: r for r in service_levels(district_id=district.pk, urgent_sla_minutes=15)
    }
    assert list(rows) == ["urgent", "high", "normal", "low"]
    u = rows["urgent"]
    assert (u["items"], u["acted"], u["waiting"], u["median_minutes"], u["p90_minutes"]) == (
        3,
        2,
        1,
        7.0,
        10.0,
    )
    assert u["past_limit"] == 1
    assert 40 <= u["oldest_waiting_minutes"] < 41
    assert (rows["high"]["items"], rows["high"]["waiting"]) == (1, 1)
    assert rows["low"]["items"] == 0
    login(client, moderator)
    body = client.get("/staff/reports/service-levels/?format=json").json()
    assert body["urgent_sla_minutes"] == district.urgent_sla_minutes
    assert body["rows"][0]["acted"] == 2
    assert body["rows"][1]["oldest_waiting_minutes"] is not None  # the high item still waits
    assert ReviewItem.objects.get(pk=high.pk).first_action_at is None


def test_quality_report_per_detector_and_category(client, make_item, moderator, district):
    phone = [{"detector": "phone", "category": "contact_info", "span": [0, 2]}]
    both = [*phone, {"detector": "toxicity", "category": "toxicity", "span": None}]
    a = make_item("a", action=Action.FLAG, reasons=phone)
    b = make_item("b", action=Action.FLAG, reasons=phone)
    c = make_item("c", action=Action.FLAG, reasons=both)
    make_item("d", reasons=phone)  # still open
    review_dismiss(item=a, actor=moderator, reason="school number")
    review_dismiss(item=b, actor=moderator, reason="school number")
    review_uphold(item=c, actor=moderator, reason="real")
    for item, minutes in ((a, 2), (b, 4), (c, 30)):
        acted_after(item, minutes)
    rows = quality_report(district_id=district.pk)
    assert rows == [
        {
            "detector": "phone",
            "category": "contact_info",
            "volume": 4,
            "resolved": 3,
            "dismissed": 2,
            "false_positive_share": 0.667,
            "median_minutes_to_action": 4.0,
        },
        {
            "detector": "toxicity",
            "category": "toxicity",
            "volume": 1,
            "resolved": 1,
            "dismissed": 0,
            "false_positive_share": 0.0,
            "median_minutes_to_action": 30.0,
        },
    ]
    login(client, moderator)
    assert client.get("/staff/reports/quality/?format=json").json()["rows"] == rows
    html = client.get("/staff/reports/quality/").content.decode()
    assert "<td>phone</td><td>contact_info</td><td>4</td>" in html


def test_quality_report_is_scoped_to_the_district(foreign_item, district):
    assert quality_report(district_id=district.pk) == []
    theirs = quality_report(district_id=foreign_item.district_id)
    assert [(r["category"], r["volume"]) for r in theirs] == [("contact_info", 1)]


def test_highlighting_splits_at_code_point_offsets_and_survives_bad_spans():
    text = "é😀 call 555 now"
    segments = highlight_segments(
        text,
        [
            {"span": [8, 11], "category": "contact_info"},
            {"span": [9, 12], "category": "pii"},
            {"span": [50, 60]},
            {"span": "x"},
            {"span": None},
            "junk",
        ],
    )
    assert [(s.text, s.marked, s.label) for s in segments] == [
        ("é😀 call ", False, ""),
        ("555 ", True, "contact_info, pii"),
        ("now", False, ""),
    ]
    assert "".join(s.text for s in segments) == text
    assert [(s.text, s.marked) for s in highlight_segments("", [])] == [("", False)]
