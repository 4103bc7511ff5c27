# ruff: noqa: F811 - `seeded` is a fixture imported from tests/programs/evaluation_seed.py
"""The evaluation page, its CSV file and PDF report, the attendance upload: who may see them,
and that all three carry the same numbers."""

import csv
import datetime
import io
import subprocess

import pytest
from django.utils import timezone

from accounts.models import User
from actions.messages import message_send
from messaging import services as messaging
from messaging.models import MatchEvent
from programs.evaluation import evaluation_table, program_evaluation
from programs.models import SchoolAttendance

from .evaluation_seed import NOW, seeded, seeded_checkins, seeded_groups  # noqa: F401 - fixtures

RANGE = "?from=2026-10-26&to=2026-11-23"


def _url(seeded, suffix="/"):
    return f"/coordinator/programs/{seeded['program'].pk}/evaluation{suffix}"


def test_page_shows_charts_with_their_data_tables(client, seeded, verified_login):
    verified_login(client, seeded["coordinator"])
    response = client.get(_url(seeded) + RANGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 7
    assert 'role="img"' in html
    assert '<title id="chart-contact-title">Share of matches with contact</title>' in html
    assert 'id="chart-contact-data"' in html
    # A bar's own title carries its value; the table beside says the same.
    assert "<title>10-26, Share with contact: 100%</title>" in html
    assert '<th scope="row">2026-11-02</th><td>67%</td>' in html
    # School attendance is shown (imported); check-ins are not (nothing answered yet).
    assert 'id="chart-school-attendance"' in html
    assert 'id="chart-checkins"' not in html
    assert 'id="attendance-changes"' in html
    assert "<script" not in html.split("<main", 1)[1]


def test_page_shows_the_checkin_chart_once_answered(client, seeded_checkins, verified_login):
    verified_login(client, seeded_checkins["coordinator"])
    response = client.get(_url(seeded_checkins) + RANGE)
    html = response.content.decode()
    # 8, and the two group charts: the fixture's lunch club has a check-in.
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 10
    assert 'id="chart-checkins"' in html
    assert "<title>11-16, Mentors: 3.33</title>" in html
    assert '<th scope="row">2026-10-26</th><td>4.50</td><td>4.00</td><td>5.00</td>' in html


def test_csv_and_pdf_carry_the_checkin_scores(client, seeded_checkins, verified_login):
    verified_login(client, seeded_checkins["coordinator"])
    rows = list(
        csv.reader(io.StringIO(client.get(_url(seeded_checkins, ".csv") + RANGE).content.decode()))
    )
    start = rows[0].index("Check-ins answered")
    assert [row[start : start + 4] for row in rows[1:]] == [
        ["2", "4.50", "4.00", "5.00"],
        ["2", "2.50", "2.00", "3.00"],
        ["0", "", "", ""],
        ["4", "3.50", "3.33", "4.00"],
        ["0", "", "", ""],
    ]
    pdf = client.get(_url(seeded_checkins, ".pdf") + RANGE)
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")


def test_csv_is_the_table_of_the_page(client, seeded, verified_login):
    verified_login(client, seeded["coordinator"])
    response = client.get(_url(seeded, ".csv") + RANGE)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    expected = evaluation_table(
        program_evaluation(
            program=seeded["program"],
            first=datetime.date(2026, 10, 26),
            last=datetime.date(2026, 11, 23),
            now=NOW,
        )
    )
    assert rows[0] == expected[0]
    assert rows[1:] == expected[1]
    assert rows[1][:6] == ["2026-10-26", "", "2", "5", "2.50", "1.00"]


def test_pdf_report(client, seeded, verified_login):
    verified_login(client, seeded["coordinator"])
    response = client.get(_url(seeded, ".pdf") + RANGE)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert len(response.content) > 5000


@pytest.mark.parametrize("suffix", ["/", ".csv", ".pdf"])
def test_only_the_districts_coordinators(client, seeded, make_user, make_district, suffix,
                                         verified_login):  # fmt: skip
    outsider = make_user(User.Role.COORDINATOR, make_district())
    verified_login(client, outsider)
    assert client.get(_url(seeded, suffix)).status_code == 404
    mentor = seeded["people"]["A"][0]
    verified_login(client, mentor)
    assert client.get(_url(seeded, suffix)).status_code == 404
    moderator = make_user(User.Role.MODERATOR, seeded["district"])
    verified_login(client, moderator)
    assert client.get(_url(seeded, suffix)).status_code == 404
    school = f"/coordinator/schools/{seeded['school'].pk}/evaluation{suffix}"
    verified_login(client, outsider)
    assert client.get(school).status_code == 404
    verified_login(client, seeded["coordinator"])
    assert client.get(school).status_code == 200


def test_attendance_upload_preview_then_import(client, seeded, verified_login):
    verified_login(client, seeded["coordinator"])
    student = seeded["people"]["C"][1]
    before = SchoolAttendance.objects.count()
    data = f"student,date,status\n{student.username},2026-11-03,present\n".encode()
    upload = io.BytesIO(data)
    upload.name = "attendance.csv"
    preview = client.post("/coordinator/attendance/", {"attendance": upload, "action": "preview"})
    assert preview.status_code == 200
    assert "1 created, 0 updated, 0 unchanged." in preview.content.decode()
    assert SchoolAttendance.objects.count() == before
    upload = io.BytesIO(data)
    upload.name = "attendance.csv"
    done = client.post("/coordinator/attendance/", {"attendance": upload, "action": "import"})
    assert done.status_code == 200
    assert SchoolAttendance.objects.count() == before + 1
    bad = io.BytesIO(b"student,date,status\nnobody,2026-11-03,present\n")
    bad.name = "attendance.csv"
    refused = client.post("/coordinator/attendance/", {"attendance": bad, "action": "import"})
    assert refused.status_code == 400
    assert "attendance.csv:2: student=&#x27;nobody&#x27;" in refused.content.decode()


def test_week_page_shows_this_weeks_headline_figures(
    client, program, coordinator, make_user, district, verified_login
):
    """The coordinator's week page carries this week's contact share and at-risk count, as the
    evaluation counts them, and links to the evaluation."""
    three_weeks_ago = timezone.now() - datetime.timedelta(days=21)
    matches = []
    for _n in range(2):
        mentor, student = make_user("mentor", district), make_user("student", district)
        match = messaging.match_activate(
            match=messaging.match_create(program=program, mentor=mentor, student=student)
        )
        MatchEvent.objects.filter(match=match).update(at=three_weeks_ago)
        matches.append((match, student))
    # One match writes this week; the other has been silent since it started: at risk.
    writing, writer = matches[0]
    message_send(sender=writer, conversation_id=writing.conversation.pk, client_id="w1", body="hi")
    verified_login(client, coordinator)
    html = client.get(f"/coordinator/programs/{program.pk}/week/").content.decode()
    assert '<dd id="headline-contact">1 of 2 (50%)</dd>' in html
    assert '<dd id="headline-at-risk">1</dd>' in html
    assert f'href="/coordinator/programs/{program.pk}/evaluation/" id="headline-evaluation"' in html


def test_page_csv_and_pdf_carry_the_group_figures(client, seeded_groups, verified_login, tmp_path):
    verified_login(client, seeded_groups["coordinator"])
    html = client.get(_url(seeded_groups) + RANGE).content.decode()
    # A groups chart and the group attendance chart, each with its numbers beside it.
    assert 'id="chart-groups"' in html
    assert 'id="chart-group-attendance"' in html
    assert "<title>10-26, Group sessions held: 1</title>" in html
    assert "<title>11-16, Group check-ins answered: 2</title>" in html
    assert '<th scope="row">2026-10-26</th><td>67%</td>' in html
    rows = list(
        csv.reader(io.StringIO(client.get(_url(seeded_groups, ".csv") + RANGE).content.decode()))
    )
    start = rows[0].index("Group sessions held")
    assert [row[start:] for row in rows[1:]] == [
        ["1", "0.67", "0", ""],
        ["0", "", "0", ""],
        ["0", "", "0", ""],
        ["1", "0.50", "2", "4.00"],
        ["0", "", "0", ""],
    ]
    pdf = client.get(_url(seeded_groups, ".pdf") + RANGE)
    assert pdf.status_code == 200
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Group sessions held" in text
    assert "Attendance at group sessions" in text


def test_no_group_charts_without_groups(client, seeded, verified_login):
    verified_login(client, seeded["coordinator"])
    html = client.get(_url(seeded) + RANGE).content.decode()
    assert 'id="chart-groups"' not in html
    assert 'id="chart-group-attendance"' not in html


def test_a_spanish_coordinator_reads_the_numbers_with_a_decimal_comma(
    client, seeded_checkins, verified_login
):
    coordinator = seeded_checkins["coordinator"]
    coordinator.preferred_language = "es"
    coordinator.save(update_fields=["preferred_language"])
    verified_login(client, coordinator)
    html = client.get(_url(seeded_checkins) + RANGE).content.decode()
    assert '<html lang="es">' in html
    # The bars' titles, the tables beside the charts and the table of all figures.
    assert "<title>11-16, Mentores: 3,33</title>" in html
    assert '<th scope="row">2026-10-26</th><td>4,50</td><td>4,00</td><td>5,00</td>' in html
    assert '<th scope="row">2026-11-02</th><td>67 %</td>' in html
    assert "<td>3,50</td>" in html
    assert "3.33" not in html
    assert "4.50" not in html
    # The CSV file stays machine-readable: a decimal point whatever the reader's language.
    rows = list(
        csv.reader(io.StringIO(client.get(_url(seeded_checkins, ".csv") + RANGE).content.decode()))
    )
    assert "4.50" in rows[1]
    assert not any("," in cell for row in rows[1:] for cell in row)


@pytest.mark.parametrize(
    ("language", "shown", "axis"),
    # Django's Spanish format groups thousands with a no-break space (1 234,5), as the RAE does.
    [("en", "1,234.5", "2,000"), ("es", "1\xa0234,5", "2\xa0000")],
)
def test_chart_numbers_follow_the_active_language(language, shown, axis):
    from decimal import Decimal

    from django.utils import translation

    from programs.charts import Series, bar_chart

    with translation.override(language):
        svg = bar_chart(
            chart_id="c",
            title="t",
            description="d",
            labels=["11-16", "11-23"],
            series=[Series("Messages", [Decimal("1234.5"), None])],
        )
    assert f"<title>11-16, Messages: {shown}</title>" in svg
    assert f">{axis}</text>" in svg
    if language == "es":
        assert "11-23, Messages: sin datos" in svg
