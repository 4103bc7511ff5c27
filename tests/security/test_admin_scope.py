"""FAULTS 25: a coordinator of district A in the admin, with district B's rows present.

One walk over every model registered in the admin (`admin.site._registry`, not a hand list): its
change list and filters, its add and change forms, every choice list and autocomplete, and a POST of
a district-B id into every foreign key and many-to-many field. Nothing of district B may be listed,
offered or accepted, and nothing may be saved.
"""

import datetime
import io

import pytest
from django import forms
from django.contrib import admin
from django.contrib.admin.filters import RelatedFieldListFilter
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.utils import timezone

from accounts.models import CredentialChangeRequest, District, Program, School, User
from accounts.permissions import coordinator_admin_grant
from messaging import services as messaging
from messaging.models import Message, Nudge, WeeklyPrompt
from moderation.models import DistrictModeration, KeywordRule
from programs.models import (
    Agreement,
    CheckIn,
    FollowUp,
    Guardian,
    GuardianSettings,
    Milestone,
    ProgramRules,
    SchoolAttendance,
)
from scheduling import services as scheduling
from scheduling.models import Attendance, Holiday, Meeting, Venue

# District B's rows all carry this word, so any page that shows one of them says it.
MARK_B = "Zebrafish"
# Relations to rows that belong to no district; coordinators may not edit them at all.
NOT_DISTRICT_DATA = {Group, Permission}


TRELLIS_APPS = ("accounts", "messaging", "moderation", "scheduling", "programs")


def _grant_every_trellis_permission(user: User) -> None:
    # Every permission of Trellis's own apps, more than a coordinator is given, so the walk sees
    # every page: the district scoping must hold whatever the permissions.
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=TRELLIS_APPS))


def _populate(make_district, make_user, mark: str) -> dict:
    """One district with a row of every kind the admin shows."""
    district = make_district(name=f"District {mark}", slug=f"district-{mark.lower()}")
    school = School.objects.create(district=district, name=f"School {mark}")
    program = Program.objects.create(
        school=school,
        name=f"Program {mark}",
        start_date=timezone.localdate() - datetime.timedelta(days=30),
    )
    coordinator = make_user(
        User.Role.COORDINATOR,
        district,
        username=f"coord-{mark.lower()}",
        display_name=f"Coordinator {mark}",
        is_staff=True,
    )
    mentor = make_user(
        User.Role.MENTOR, district, username=f"mentor-{mark.lower()}", display_name=f"M {mark}"
    )
    student = make_user(
        User.Role.STUDENT, district, username=f"student-{mark.lower()}", display_name=f"S {mark}"
    )
    match = messaging.match_activate(
        match=messaging.match_create(program=program, mentor=mentor, student=student)
    )
    conversation = match.conversation
    venue = Venue.objects.create(school=school, name=f"Library {mark}", approved=True)
    tz = school.tz
    today = timezone.now().astimezone(tz).date()
    series = scheduling.series_create(
        conversation=conversation,
        venue=venue,
        title=f"Series {mark}",
        rule="FREQ=WEEKLY;COUNT=3",
        first_date=today + datetime.timedelta(days=2),
        start_time=datetime.time(12, 0),
        duration_minutes=40,
        actor=coordinator,
    )
    past = datetime.datetime.combine(today - datetime.timedelta(days=3), datetime.time(12), tz)
    held = Meeting.objects.create(
        conversation=conversation,
        venue=venue,
        local_date=past.date(),
        starts_at=past,
        ends_at=past + datetime.timedelta(minutes=40),
    )
    attendance = Attendance.objects.create(
        meeting=held, user=student, present=True, recorded_by=coordinator
    )
    message = Message.objects.create(
        conversation=conversation,
        sender=student,
        seq=1,
        client_id=f"c-{mark}",
        body="hello",
        body_sha256="0" * 64,
        state=Message.State.DELIVERED,
    )
    rows = {
        District: district,
        School: school,
        Program: program,
        User: student,
        type(match): match,
        type(conversation): conversation,
        Message: message,
        Venue: venue,
        type(series): series,
        Meeting: series.meetings.order_by("starts_at").first(),
        Attendance: attendance,
        Holiday: Holiday.objects.create(district=district, date=today, name=f"Holiday {mark}"),
        DistrictModeration: DistrictModeration.objects.create(
            district=district, toxicity_threshold=0.6, link_allowlist=f"{mark.lower()}.org"
        ),
        KeywordRule: KeywordRule.objects.create(
            district=district, phrase=f"{mark.lower()} phrase", category="contact_info"
        ),
        WeeklyPrompt: WeeklyPrompt.objects.create(
            program=program,
            week_start=today + datetime.timedelta(days=7),
            body=f"Prompt {mark}",
            created_by=coordinator,
        ),
        Nudge: Nudge.objects.create(
            match=match, mentor=mentor, waiting_message=message, week_start=today
        ),
    }
    rows[CredentialChangeRequest] = CredentialChangeRequest.objects.create(
        district=district,
        target=mentor,
        kind=CredentialChangeRequest.Kind.PASSWORD,
        requested_by=coordinator,
        created_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(hours=24),
    )
    rows[student.consents.model] = student.consents.get()
    rows.update(_program_rows(mark, district, program, match, student, coordinator))
    rows[type(mentor.screening)] = mentor.screening
    return {"rows": rows, "coordinator": coordinator}


def _program_rows(mark, district, program, match, student, coordinator) -> dict:
    """A row of every program record the admin shows, for one district."""
    now = timezone.now()
    conversation = match.conversation
    checkin = CheckIn.objects.create(
        program=program,
        conversation=conversation,
        match=match,
        user=student,
        period_start=program.start_date,
        opened_at=now,
        answered_at=now,
        score=2,
        worries=f"Worry {mark}",
    )
    return {
        ProgramRules: ProgramRules.objects.create(program=program, group_size=3),
        GuardianSettings: GuardianSettings.objects.create(program=program, link_max_age_days=9),
        Guardian: Guardian.objects.create(
            district=district, student=student, sourced_id=f"g-{mark}", name=f"Guardian {mark}"
        ),
        CheckIn: checkin,
        FollowUp: FollowUp.objects.create(
            program=program,
            conversation=conversation,
            match=match,
            checkin=checkin,
            reasons=["low_score"],
            opened_at=now,
            note=f"Note {mark}",
        ),
        Agreement: Agreement.objects.create(
            program=program,
            audience=Agreement.Audience.MENTOR,
            version=1,
            text_en=f"Agreement {mark}",
            published_by=coordinator,
            published_at=now,
        ),
        Milestone: Milestone.objects.create(
            program=program,
            conversation=conversation,
            kind=Milestone.Kind.CUSTOM,
            title=f"Milestone {mark}",
            achieved_on=timezone.localdate(),
            marked_by=coordinator,
            marked_at=now,
        ),
        SchoolAttendance: SchoolAttendance.objects.create(
            district=district,
            student=student,
            period_start=timezone.localdate(),
            period_days=SchoolAttendance.Period.DAY,
            days_present=1,
            days_absent=0,
            imported_at=now,
        ),
    }


@pytest.fixture
def two_districts(make_district, make_user, verified_login):
    a = _populate(make_district, make_user, "Alpha")
    b = _populate(make_district, make_user, MARK_B)
    coordinator = a["coordinator"]
    _grant_every_trellis_permission(coordinator)
    client = Client()
    verified_login(client, coordinator)
    return a["rows"], b["rows"], client


def _url(model, suffix="") -> str:
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/{suffix}"


def _b_ids(b_rows: dict, model) -> set:
    assert model in b_rows, f"the walk has no district-B {model.__name__} to offer"
    return {b_rows[model].pk}


def _assert_nothing_of_b_shown(response, where: str) -> None:
    shown = MARK_B.lower().encode() in response.content.lower()
    assert not shown, f"{where} shows a district-B row"


def _assert_choices_scoped(form, b_rows: dict, where: str) -> None:
    for name, field in form.fields.items():
        if isinstance(field, forms.ModelChoiceField):  # also ModelMultipleChoiceField
            model = field.queryset.model
            if model in NOT_DISTRICT_DATA:
                continue
            offered = set(field.queryset.values_list("pk", flat=True))
            assert not offered & _b_ids(b_rows, model), (where, name)


def _post_data(form, formsets=()) -> dict:
    """What a browser would post back for `form` (and inline formsets) as rendered."""
    data: dict = {}

    def add(f):
        for name, field in f.fields.items():
            key, value = f.add_prefix(name), f[name].value()
            if isinstance(field.widget, forms.MultiWidget):
                parts = field.widget.decompress(value) if not isinstance(value, list) else value
                for i, part in enumerate(parts):
                    data[f"{key}_{i}"] = "" if part is None else str(part)
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            elif isinstance(field, forms.BooleanField):
                if value:
                    data[key] = "on"
            else:
                data[key] = "" if value is None else str(value)

    add(form)
    for formset in formsets:
        data.update(
            {
                formset.management_form.add_prefix(k): v
                for k, v in formset.management_form.initial.items()
            }
        )
        for inline_form in formset.forms:
            add(inline_form)
    return data


def _relations(model):
    return [
        f
        for f in model._meta.get_fields()
        if f.concrete
        and (f.many_to_one or f.one_to_one or f.many_to_many)
        and f.related_model not in NOT_DISTRICT_DATA
    ]


def _pointing_at(model, field, b_id) -> set:
    if field.many_to_many:
        return set(model.objects.filter(**{field.name: b_id}).values_list("pk", flat=True))
    return set(model.objects.filter(**{field.attname: b_id}).values_list("pk", flat=True))


def _post_each_b_id(client, url, model, form, formsets, b_rows, where, refused):
    """POST a district-B id into each relation of `model`: refused with an error on that field
    (404 for the whole object, or 403 where the coordinator may not write), nothing saved."""
    for field in _relations(model):
        b_id = b_rows[field.related_model].pk if field.related_model in b_rows else None
        assert b_id is not None, (where, field.name, "no district-B row to post")
        data = _post_data(form, formsets)
        data[field.name] = [str(b_id)] if field.many_to_many else str(b_id)
        count, before = model.objects.count(), _pointing_at(model, field, b_id)
        response = client.post(url, data)
        assert response.status_code in (200, 302, 403, 404), (where, field.name)
        if field.name in form.fields:
            assert response.status_code == 200, (where, field.name, response.status_code)
            errors = response.context["adminform"].form.errors.as_data()
            assert field.name in errors, (where, field.name)
            assert {e.code for e in errors[field.name]} <= {"invalid_choice", "invalid_pk_value"}
            refused.add((where, field.name))
        assert model.objects.count() == count, (where, field.name)
        assert _pointing_at(model, field, b_id) == before, (where, field.name)


def test_no_admin_page_lists_offers_or_accepts_another_districts_rows(two_districts):
    a_rows, b_rows, client = two_districts
    walked, closed, refused = [], [], set()
    for model in admin.site._registry:
        where = model._meta.label
        if model._meta.app_label not in TRELLIS_APPS:
            # Not district data (groups, background task results): closed to coordinators.
            assert client.get(_url(model)).status_code == 403, where
            assert client.get(_url(model, "add/")).status_code == 403, where
            closed.append(model)
            continue
        assert model in a_rows, f"{where} is in the admin but not in this walk's districts"
        # The change list, its filters and its rows.
        listing = client.get(_url(model))
        assert listing.status_code == 200, where
        _assert_nothing_of_b_shown(listing, where)
        cl = listing.context["cl"]
        assert not {o.pk for o in cl.result_list} & _b_ids(b_rows, model), where
        assert a_rows[model].pk in {o.pk for o in cl.result_list}, where
        for spec in cl.filter_specs:
            if isinstance(spec, RelatedFieldListFilter):
                shown = {pk for pk, _ in spec.lookup_choices}
                assert not shown & _b_ids(b_rows, spec.field.related_model), (where, spec.title)
        # Another district's row: 404, the same as one that does not exist.
        assert client.get(_url(model, f"{b_rows[model].pk}/change/")).status_code == 404, where
        assert client.post(_url(model, f"{b_rows[model].pk}/change/")).status_code == 404, where
        assert client.post(_url(model, f"{b_rows[model].pk}/delete/")).status_code in (403, 404)
        assert model.objects.filter(pk=b_rows[model].pk).exists(), where
        # The add form.
        add = client.get(_url(model, "add/"))
        if add.status_code == 200:
            _assert_nothing_of_b_shown(add, f"{where} add")
            form = add.context["adminform"].form
            _assert_choices_scoped(form, b_rows, f"{where} add")
            _post_each_b_id(
                client, _url(model, "add/"), model, form, (), b_rows, f"{where} add", refused
            )
        else:
            assert add.status_code == 403, where
        # The change form of the coordinator's own row.
        own = _url(model, f"{a_rows[model].pk}/change/")
        change = client.get(own)
        assert change.status_code == 200, where
        _assert_nothing_of_b_shown(change, f"{where} change")
        form = change.context["adminform"].form
        _assert_choices_scoped(form, b_rows, f"{where} change")
        formsets = [f.formset for f in change.context["inline_admin_formsets"]]
        _post_each_b_id(client, own, model, form, formsets, b_rows, f"{where} change", refused)
        # Autocomplete answers for every relation whose target has a searchable admin.
        for field in _relations(model):
            target = admin.site._registry.get(field.related_model)
            if target is None or not target.search_fields:
                continue
            found = client.get(
                "/admin/autocomplete/",
                {
                    "app_label": model._meta.app_label,
                    "model_name": model._meta.model_name,
                    "field_name": field.name,
                    "term": "",
                },
            )
            assert found.status_code in (200, 403), (where, field.name)
            if found.status_code == 200:
                ids = {int(r["id"]) for r in found.json()["results"]}
                assert not ids & _b_ids(b_rows, field.related_model), (where, field.name)
                _assert_nothing_of_b_shown(found, f"{where} autocomplete {field.name}")
        walked.append(model)
    # The walk covered the admin: every registered model, district B's rows untouched.
    assert set(walked) | set(closed) == set(admin.site._registry)
    assert len(walked) == 25
    # The choice lists the audit named were among those posted to and refused.
    assert {
        ("scheduling.MeetingSeries add", "conversation"),
        ("scheduling.MeetingSeries add", "venue"),
        ("scheduling.Meeting change", "venue"),
        ("scheduling.Attendance add", "meeting"),
        ("messaging.Match add", "mentor"),
        ("moderation.KeywordRule add", "district"),
        ("moderation.DistrictModeration add", "district"),
        ("accounts.User change", "district"),
        ("programs.ProgramRules add", "program"),
        ("programs.GuardianSettings add", "program"),
    } <= refused
    for model, row in b_rows.items():
        assert model.objects.filter(pk=row.pk).exists(), model


def test_every_registered_admin_model_is_district_scoped():
    from accounts.admin import DistrictScopedAdmin

    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in TRELLIS_APPS:
            continue
        assert isinstance(model_admin, DistrictScopedAdmin), model._meta.label
        if model_admin.district_path != "pk":
            field = model_admin.district_path.split("__")
            assert isinstance(model._meta.get_field(field[0]), models.Field), model._meta.label


def test_a_coordinator_gets_every_district_model_of_the_admin_and_nothing_else(db, verified_login):
    # The demo's coordinator is given the coordinator's permissions (accounts.permissions).
    call_command("seed_demo", stdout=io.StringIO())
    coordinator = User.objects.get(username="coordinator")
    client = Client()
    verified_login(client, coordinator)
    index = client.get("/admin/")
    assert index.status_code == 200
    shown = {
        (app["app_label"], m["object_name"])
        for app in index.context["app_list"]
        for m in app["models"]
    }
    assert shown == {
        (m._meta.app_label, m._meta.object_name)
        for m in admin.site._registry
        if m._meta.app_label in TRELLIS_APPS
    }
    assert client.get("/admin/scheduling/meetingseries/add/").status_code == 200
    assert client.get("/admin/moderation/keywordrule/add/").status_code == 200
    # Districts are created and removed by superusers only.
    assert client.get("/admin/accounts/district/add/").status_code == 403
    assert client.get("/admin/auth/group/").status_code == 403


def test_a_relation_whose_district_is_not_declared_offers_a_coordinator_nothing(
    make_user, district, rf
):
    # Groups belong to no district: a choice list of them is empty for a coordinator (who cannot
    # edit them anyway), and whole for a superuser. A new relation stays closed until declared.
    Group.objects.create(name="Everyone")
    coordinator = make_user(User.Role.COORDINATOR, district, is_staff=True)
    superuser = User.objects.create_superuser(
        username="root", password="pw-for-tests-only-1", role=User.Role.COORDINATOR
    )
    model_admin = admin.site._registry[User]
    groups = User._meta.get_field("groups")
    request = rf.get("/admin/accounts/user/add/")
    request.user = coordinator
    assert list(model_admin.formfield_for_manytomany(groups, request).queryset) == []
    request.user = superuser
    assert [g.name for g in model_admin.formfield_for_manytomany(groups, request).queryset] == [
        "Everyone"
    ]


def test_program_records_are_read_only_and_keep_check_in_comments_out(two_districts):
    # Least privilege for children's data: a check-in's comments are screened like messages and
    # stay out of the admin; the records themselves are looked at, never written, here.
    a_rows, _b_rows, client = two_districts
    checkin = a_rows[CheckIn]
    for page in (_url(CheckIn), _url(CheckIn, f"{checkin.pk}/change/")):
        response = client.get(page)
        assert response.status_code == 200, page
        assert b"Worry Alpha" not in response.content, page
    for model in (Guardian, CheckIn, FollowUp, Agreement, Milestone, SchoolAttendance):
        row = a_rows[model]
        assert client.get(_url(model, "add/")).status_code == 403, model
        assert client.post(_url(model, f"{row.pk}/change/"), {}).status_code == 403, model
        assert client.post(_url(model, f"{row.pk}/delete/"), {"post": "yes"}).status_code == 403
        assert model.objects.filter(pk=row.pk).exists(), model


def test_program_settings_refuse_zero_with_a_form_error(two_districts):
    a_rows, _b_rows, client = two_districts
    rules = a_rows[ProgramRules]
    response = client.post(
        _url(ProgramRules, f"{rules.pk}/change/"), {"group_size": "0", "checkin_every_weeks": "0"}
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"group_size", "checkin_every_weeks"}
    rules.refresh_from_db()
    assert (rules.group_size, rules.checkin_every_weeks) == (3, 4)


def test_a_coordinator_reads_a_matchs_status_history_and_writes_none_of_it(
    make_district, make_user, verified_login
):
    rows = _populate(make_district, make_user, "Alpha")
    coordinator_admin_grant(user=rows["coordinator"])
    assert not rows["coordinator"].has_perm("messaging.change_matchevent")
    client = Client()
    verified_login(client, rows["coordinator"])
    match = next(row for model, row in rows["rows"].items() if model._meta.model_name == "match")
    page = client.get(_url(type(match), f"{match.pk}/change/"))
    assert page.status_code == 200
    assert b'class="column-to_status' in page.content
