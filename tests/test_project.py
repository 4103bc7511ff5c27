"""Project-level checks: migrations match the models, deploy settings are clean, the demo seeds."""

import os
import subprocess
import sys
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Program, User
from messaging import cadence
from messaging.models import Conversation, Match, Message, WeeklyPrompt
from moderation.models import ReviewItem
from programs.evaluation import program_evaluation
from programs.models import CheckIn, FollowUp, Guardian, GuardianProgramText, Milestone
from testkit.sessions import login_verified

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_migrations_match_models(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def _manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy():
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG",)}
    env.update(
        DJANGO_SETTINGS_MODULE="config.production",
        ALLOWED_HOSTS="trellis.example.org",
        SECRET_KEY="a-real-secret-" + "x7Qz9" * 12,
        AUDIT_HMAC_KEY="a-real-audit-key-" + "p4Rt8" * 12,
        AUDIT_ANCHOR_PATH="/var/lib/trellis/audit-anchors.jsonl",
    )
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_keeps_database_connections_and_the_environment_can_say_otherwise():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "db = s.DATABASES['default']; print(db['CONN_MAX_AGE'], db['CONN_HEALTH_CHECKS'])"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_CONN_MAX_AGE"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.production",
        ALLOWED_HOSTS="trellis.example.org",
        SECRET_KEY="a-real-secret-" + "x7Qz9" * 12,
        AUDIT_HMAC_KEY="a-real-audit-key-" + "p4Rt8" * 12,
        DATABASE_URL="postgres://trellis@db.invalid:5432/trellis",
    )
    for extra, expected in (({}, ["60", "True"]), ({"DATABASE_CONN_MAX_AGE": "0"}, ["0", "True"])):
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.stdout.split() == expected, result.stderr


def test_production_settings_refuse_to_start_without_a_secret():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(DJANGO_SETTINGS_MODULE="config.production", ALLOWED_HOSTS="trellis.example.org")
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_settings_refuse_to_start_without_an_audit_key():
    env = {k: v for k, v in os.environ.items() if k != "AUDIT_HMAC_KEY"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.production",
        ALLOWED_HOSTS="trellis.example.org",
        SECRET_KEY="a-real-secret-" + "x7Qz9" * 12,
    )
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "Set the AUDIT_HMAC_KEY environment variable" in result.stderr


@pytest.mark.parametrize(
    ("key", "anchors", "problem"),
    [
        ("short-key", "/var/lib/trellis/a.jsonl", "accounts.E001"),
        ("a-real-secret-" + "x7Qz9" * 12, "/var/lib/trellis/a.jsonl", "accounts.E002"),
        ("a-real-audit-key-" + "p4Rt8" * 12, "", "accounts.W003"),
    ],
)
def test_check_deploy_names_a_weak_audit_key_or_a_missing_anchor_file(key, anchors, problem):
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "AUDIT_ANCHOR_PATH")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.production",
        ALLOWED_HOSTS="trellis.example.org",
        SECRET_KEY="a-real-secret-" + "x7Qz9" * 12,
        AUDIT_HMAC_KEY=key,
        AUDIT_ANCHOR_PATH=anchors,
    )
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert problem in output
    assert [c for c in ("accounts.E001", "accounts.E002", "accounts.W003") if c in output] == [
        problem
    ]


def test_embedded_default_runs_on_sqlite_and_in_memory_layer(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CHANNEL_LAYERS['default']['BACKEND'], "
        "s.TASKS['default']['BACKEND'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "channels.layers.InMemoryChannelLayer",
        "django_tasks.backends.immediate.ImmediateBackend",
    ]


def test_the_embedded_default_migrates_and_seeds_the_demo(tmp_path):
    """The README's run command on SQLite: the demo's messages go through the send path, whose
    numbered insert is PostgreSQL's own statement (SQLite takes the two-statement form)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-2000:]
    assert "Sign in at http://127.0.0.1:8000/accounts/login/" in result.stdout


def test_environment_selects_postgres_and_redis(settings):
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    from channels_redis.pubsub import RedisPubSubChannelLayer
    from django.utils.module_loading import import_string

    layer = import_string(settings.CHANNEL_LAYERS["default"]["BACKEND"])
    assert issubclass(layer, RedisPubSubChannelLayer)
    assert settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"] == [settings.REDIS_URL]


@pytest.mark.django_db(transaction=True)
def test_seed_demo_is_idempotent(capsys):
    call_command("seed_demo")
    counts = (User.objects.count(), Match.objects.count(), Message.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Match.objects.count(), Message.objects.count()) == counts
    assert Match.objects.filter(status=Match.Status.ACTIVE).count() == 3
    # The demo shows each part of the product: a held message, a flagged one, next week's prompt.
    # Five this week, fourteen in the four weeks before it (programs evaluation history), and
    # the lunch club's two.
    assert Message.objects.filter(kind=Message.Kind.USER).count() == 21
    assert Message.objects.filter(state=Message.State.HELD).count() == 1
    flagged = ReviewItem.objects.filter(source="pipeline", message__state=Message.State.FLAGGED)
    assert flagged.count() == 1
    # The weekly cadence: this week's prompt, posted once into each active match, and next week's.
    assert WeeklyPrompt.objects.count() == 2
    this_week, next_week = WeeklyPrompt.objects.order_by("week_start")
    assert this_week.posted_at is not None
    assert next_week.posted_at is None
    assert this_week.week_start == (
        cadence.program_week(program=this_week.program, at=timezone.now()).start_date
    )
    posted = Message.objects.filter(kind=Message.Kind.SYSTEM, body__contains=this_week.body)
    assert posted.count() == 3
    assert "Sign in at http://127.0.0.1:8000/accounts/login/" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_seed_demo_has_weeks_of_history_for_the_evaluation(capsys):
    call_command("seed_demo")
    program = Program.objects.get(name="Careers in Practice")
    weeks = program_evaluation(program=program).weeks
    assert len(weeks) >= 9
    earlier = weeks[-5:-1]  # the four weeks before this one
    assert [w.matches_active for w in earlier] == [2, 2, 2, 2]
    assert [w.matches_with_contact for w in earlier] == [2, 2, 1, 1]
    assert [w.meetings_held for w in earlier] == [1, 1, 1, 1]
    assert [w.attendance_rate for w in earlier] == [
        Decimal("1.00"), Decimal("0.50"), Decimal("1.00"), Decimal("1.00")
    ]  # fmt: skip
    assert all(w.response_median_hours is not None for w in earlier)
    # Sam and Jordan stopped writing two weeks ago.
    assert weeks[-2].at_risk == 1
    assert program_evaluation(program=program).at_risk_matches[0].mentor.username == "mentor2"
    assert [w.school_days_recorded for w in weeks[-8:-1]] == [10] * 7
    assert Guardian.objects.filter(student__username__in=["student", "student2"]).count() == 2
    assert GuardianProgramText.objects.filter(program=program).count() == 2
    # The lunch club (a group): a session a week with its attendance, and group check-ins.
    evaluation = program_evaluation(program=program)
    assert evaluation.groups == 1
    earlier = evaluation.weeks[-5:-1]
    assert [w.group_sessions_held for w in earlier] == [1, 1, 1, 1]
    assert [w.group_attendance_rate for w in earlier] == [
        Decimal("0.67"), Decimal("1.00"), Decimal("0.67"), Decimal("1.00")
    ]  # fmt: skip
    assert sum(w.group_checkin_responses for w in earlier) == 2
    call_command("seed_demo")
    assert Conversation.objects.filter(kind=Conversation.Kind.GROUP).count() == 1
    assert [w.matches_with_contact for w in program_evaluation(program=program).weeks[-5:-1]] == [
        2, 2, 1, 1
    ]  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_seed_demo_has_checkins_a_follow_up_and_a_milestone(client, capsys):
    call_command("seed_demo")
    program = Program.objects.get(name="Careers in Practice")
    weeks = program_evaluation(program=program).weeks
    # Three and one weeks before this one (Monday weeks; the demo program's weeks start Monday).
    assert [
        (
            w.checkin_responses,
            w.checkin_average,
            w.checkin_mentor_average,
            w.checkin_student_average,
        )
        for w in (weeks[-4], weeks[-2])
    ] == [
        (3, Decimal("4.33"), Decimal("4.00"), Decimal("4.50")),
        (3, Decimal("3.67"), Decimal("3.50"), Decimal("4.00")),
    ]
    assert CheckIn.objects.filter(program=program, answered_at__isnull=True).count() == 1
    [follow_up] = FollowUp.objects.filter(program=program, closed_at__isnull=True)
    assert follow_up.reasons == ["low_score", "worry"]
    assert follow_up.checkin.user.username == "mentor2"
    [milestone] = Milestone.objects.filter(program=program)
    assert milestone.kind == Milestone.Kind.FIRST_MEETING
    counts = (CheckIn.objects.count(), FollowUp.objects.count(), Milestone.objects.count())
    call_command("seed_demo")
    assert (CheckIn.objects.count(), FollowUp.objects.count(), Milestone.objects.count()) == counts
    # The coordinator's week page and the evaluation page show them.
    login_verified(client, User.objects.get(username="coordinator"))
    week = client.get(f"/coordinator/programs/{program.pk}/week/").content.decode()
    assert "Sam has not answered for two weeks" in week
    evaluation = client.get(f"/coordinator/programs/{program.pk}/evaluation/").content.decode()
    assert 'id="chart-checkins"' in evaluation


def test_login_page_is_served(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b"Sign in to Trellis" in response.content


def test_health_endpoint_reports_database_and_layer(client, db):
    body = client.get("/healthz").json()
    assert body["checks"]["database"] == {"status": "ok", "vendor": "postgresql"}
    assert body["checks"]["channel_layer"]["status"] == "ok"


def test_docker_compose_file_validates():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    result = subprocess.run(
        ["docker-compose", "-f", "docker-compose.yml", "config", "-q"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    config = subprocess.run(
        ["docker-compose", "-f", "docker-compose.yml", "config"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    for service in ("web:", "worker:", "postgres:", "redis:", "migrate:"):
        assert f"  {service}" in config
    assert config.count("healthcheck:") >= 4


# -- the layers (docs/adr/0005-layers.md) ---------------------------------------------------------

# Packages of the checkout whose code runs in the application or beside it; tests and bench are
# scripts and suites, checked by the contracts but free to import inside functions (bench must
# configure Django before it imports a model).
APP_PACKAGES = (
    "accounts",
    "messaging",
    "scheduling",
    "moderation",
    "programs",
    "actions",
    "frontend",
    "config",
)


def _pyproject() -> dict:
    import tomllib

    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as f:
        return tomllib.load(f)


def test_import_contracts_hold():
    """Every contract in pyproject.toml ([tool.importlinter]): layers, interfaces, bench, review."""
    lint_imports = os.path.join(os.path.dirname(sys.executable), "lint-imports")
    result = subprocess.run(
        [lint_imports, "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    contracts = len(_pyproject()["tool"]["importlinter"]["contracts"])
    assert f"Contracts: {contracts} kept, 0 broken." in result.stdout


def test_every_top_level_package_is_under_the_contracts():
    """A new app (a folder with __init__.py) must join import-linter's root packages, or the
    contracts would pass without seeing it."""
    packages = {
        name
        for name in os.listdir(ROOT)
        if not name.startswith(".") and os.path.isfile(os.path.join(ROOT, name, "__init__.py"))
    }
    assert set(_pyproject()["tool"]["importlinter"]["root_packages"]) == packages


def _imports_inside_functions(path: str) -> list[tuple[int, str]]:
    import ast

    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), filename=path)
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if in_function and isinstance(child, ast.Import):
                found.extend((child.lineno, alias.name) for alias in child.names)
            elif in_function and isinstance(child, ast.ImportFrom) and child.level == 0:
                found.append((child.lineno, child.module or ""))
            visit(child, inside)

    visit(tree, False)
    return found


def test_no_import_inside_a_function_crosses_apps():
    """An import hidden in a function body is a dependency a reader cannot see: between two of
    our packages it goes at the top of the module, where the contracts see it too."""
    crossing = []
    for package in APP_PACKAGES:
        for folder, dirs, files in os.walk(os.path.join(ROOT, package)):
            dirs[:] = [d for d in dirs if d not in ("migrations", "__pycache__")]
            for name in files:
                if not name.endswith(".py"):
                    continue
                path = os.path.join(folder, name)
                for line, module in _imports_inside_functions(path):
                    top = module.split(".")[0]
                    if top != package and (top in APP_PACKAGES or top in ("tests", "bench")):
                        crossing.append(f"{os.path.relpath(path, ROOT)}:{line} imports {module}")
    assert crossing == []


def test_the_function_import_check_sees_nested_and_aliased_imports(tmp_path):
    source = tmp_path / "example.py"
    source.write_text(
        "import os\n"
        "from messaging import models\n"
        "def f():\n"
        "    from moderation.services import message_screen\n"
        "    def g():\n"
        "        import scheduling.services as s\n"
        "    from . import local\n"
        "class C:\n"
        "    def m(self):\n"
        "        from accounts.models import User\n"
    )
    assert _imports_inside_functions(str(source)) == [
        (4, "moderation.services"),
        (6, "scheduling.services"),
        (10, "accounts.models"),
    ]
