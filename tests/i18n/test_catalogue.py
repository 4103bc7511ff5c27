"""The Spanish catalogue is complete: `makemessages -l es` (run on a copy of locale/) leaves no
fuzzy, empty or obsolete entry in django.po or djangojs.po, and the catalogues compile."""

import shutil
import subprocess

import polib
import pytest
from django.core.management import call_command

pytestmark = pytest.mark.skipif(
    shutil.which("xgettext") is None or shutil.which("msgfmt") is None,
    reason="GNU gettext is needed (make test installs Debian's gettext package)",
)

# What makemessages reads: the apps and the catalogues (not the tests, benchmarks or docs).
SOURCES = [
    "accounts", "actions", "config", "frontend", "messaging", "moderation", "programs",
    "scheduling", "locale",
]  # fmt: skip


@pytest.fixture
def catalogues(tmp_path, settings, monkeypatch):
    """locale/ refreshed by makemessages as a developer would run it, in a copy of the sources:
    makemessages writes into the locale/ folder of the tree it runs in."""
    for name in SOURCES:
        shutil.copytree(
            settings.BASE_DIR / name,
            tmp_path / name,
            ignore=shutil.ignore_patterns("__pycache__", "*.mo", "lexicons"),
        )
    monkeypatch.chdir(tmp_path)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    for domain in ("django", "djangojs"):
        call_command("makemessages", locale=["es"], domain=domain, verbosity=0)
    return tmp_path / "locale" / "es" / "LC_MESSAGES"


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_makemessages_leaves_no_fuzzy_or_empty_entry(catalogues, domain):
    po = polib.pofile(str(catalogues / f"{domain}.po"))
    assert not po.metadata_is_fuzzy
    assert po.metadata["Language"] == "es"
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.obsolete_entries()] == []
    assert len(po.translated_entries()) > (20 if domain == "djangojs" else 300)
    check = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(catalogues / f"{domain}.po")],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
