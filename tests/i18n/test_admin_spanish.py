"""The admin speaks the coordinator's language (issue 14): a coordinator who reads Spanish gets
every label of every admin page a coordinator reaches in Spanish.

Each page is rendered twice for the same coordinator, once in English and once in Spanish, and
the labels are taken from both in the order the page shows them: field labels, column headers,
filter titles, help texts, fieldset and inline titles, action names, the models and apps of the
index and the page's title. A label that comes out the same in both languages is left in English,
unless it is one of the few written the same in Spanish (SAME_IN_BOTH, each with its reason).
"""

import html
import re

import polib
import pytest
from django.conf import settings
from django.contrib import admin
from django.test import Client
from django.utils import translation
from django.utils.functional import Promise

from accounts.permissions import coordinator_admin_grant
from tests.security.test_admin_scope import TRELLIS_APPS, _populate

pytestmark = pytest.mark.django_db

# Labels written the same in English and Spanish, lower-cased, with the reason.
SAME_IN_BOTH = {
    "id": "a row's number: Django's own label, ID in Spanish too",
    "trellis": "the product's name",
    "mentor": "the same word in Spanish",
    "english": "a language is named in its own language (settings.LANGUAGES, the switcher's)",
    "español": "a language is named in its own language (settings.LANGUAGES, the switcher's)",
}

_TAGS = re.compile(r"<[^>]+>")
_LABELS = {
    "label": re.compile(r"<label\b[^>]*>(.*?)</label>", re.S),
    "column": re.compile(r'<th\b[^>]*scope="col"[^>]*>.*?<div class="text">(.*?)</div>', re.S),
    "inline column": re.compile(r'<th class="column-[^"]*"[^>]*>(.*?)</th>', re.S),
    "filter": re.compile(r'data-filter-title="([^"]*)"'),
    "help": re.compile(r'<div class="help"[^>]*>\s*<div>(.*?)</div>', re.S),
    "fieldset": re.compile(
        r'<h2\b[^>]*class="[^"]*(?:fieldset|inline)-heading[^"]*"[^>]*>(.*?)</h2>', re.S
    ),
    "action": re.compile(r'<option value="(?!delete_selected")[a-z_]+">(.*?)</option>'),
    "model": re.compile(r'<th scope="row" id="[a-z]+-[a-z]+">(.*?)</th>', re.S),
    "app": re.compile(r"<caption>(.*?)</caption>", re.S),
    "title": re.compile(r"<title>(.*?)</title>", re.S),
    "heading": re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S),
}


def labels(page: str) -> list[tuple[str, str]]:
    """(kind, text) of every label on the page, in page order per kind."""
    found = []
    # The change list's actions (a model field may be called "action" too).
    actions = re.search(
        r'<div class="actions">.*?<select name="action"[^>]*>(.*?)</select>', page, re.S
    )
    for kind, pattern in _LABELS.items():
        source = (actions.group(1) if actions else "") if kind == "action" else page
        for raw in pattern.findall(source):
            text = html.unescape(_TAGS.sub("", raw)).strip().rstrip(":").strip()
            text = re.sub(r"\s+", " ", text)
            if text:
                found.append((kind, text))
    return found


@pytest.fixture
def coordinator_pages(make_district, make_user, verified_login):
    """The coordinator's client and the admin pages a coordinator reaches, with data to show."""
    rows = _populate(make_district, make_user, "Alpha")
    coordinator = rows["coordinator"]
    coordinator_admin_grant(user=coordinator)
    client = Client()
    verified_login(client, coordinator)
    pages = ["/admin/"]
    for model in admin.site._registry:
        if model._meta.app_label not in TRELLIS_APPS:
            continue
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for page in (base, f"{base}add/", f"{base}{rows['rows'][model].pk}/change/"):
            if client.get(page).status_code == 200:
                pages.append(page)
    return client, coordinator, pages


def _render(client, coordinator, page: str, language: str) -> str:
    coordinator.preferred_language = language
    coordinator.save(update_fields=["preferred_language"])
    response = client.get(page)
    assert response.status_code == 200, page
    assert response.headers["Content-Language"] == language, page
    return response.content.decode()


def test_every_admin_page_a_coordinator_reaches_is_labelled_in_spanish(coordinator_pages):
    client, coordinator, pages = coordinator_pages
    # Every model page a coordinator may see: its list, and its forms where it has them.
    assert len(pages) > 50
    untranslated, kinds = [], set()
    for page in pages:
        english = labels(_render(client, coordinator, page, "en"))
        spanish = labels(_render(client, coordinator, page, "es"))
        assert [k for k, _ in english] == [k for k, _ in spanish], page
        assert english, page
        kinds |= {kind for kind, _ in english}
        for (kind, en), (_, es) in zip(english, spanish, strict=True):
            if en == es and en.lower() not in SAME_IN_BOTH:
                untranslated.append((page, kind, en))
    assert untranslated == [], "\n".join(map(str, untranslated))
    # Every kind of label was found somewhere (a pattern that matches nothing checks nothing).
    assert kinds == set(_LABELS)


def _label_sources():
    """Every label text of the models with an admin: names, fields, help texts, choices."""
    for model in admin.site._registry:
        if model._meta.app_label not in TRELLIS_APPS:
            continue
        where = model._meta.label
        yield where, model._meta.verbose_name
        yield where, model._meta.verbose_name_plural
        yield where, model._meta.app_config.verbose_name
        for field in model._meta.get_fields():
            if not field.concrete or field.model is not model or field.name == "id":
                continue
            yield f"{where}.{field.name}", field.verbose_name
            if field.help_text:
                yield f"{where}.{field.name} help", field.help_text
            for _value, choice in field.flatchoices:
                yield f"{where}.{field.name} choice", choice


def test_every_label_of_the_admin_models_is_translatable_and_translated():
    # A language is named in its own language wherever it is offered (settings.LANGUAGES).
    own_names = {name for _code, name in settings.LANGUAGES}
    bare, same = [], []
    for where, text in _label_sources():
        if text in own_names:
            continue
        if not isinstance(text, Promise):
            bare.append((where, text))
            continue
        with translation.override("en"):
            en = str(text)
        with translation.override("es"):
            es = str(text)
        if en == es and en.lower() not in SAME_IN_BOTH:
            same.append((where, en))
    assert bare == []
    assert same == [], "\n".join(map(str, same))


_APPS = ("accounts", "messaging", "moderation", "scheduling", "programs")


def test_the_spanish_catalogue_translates_every_string_of_these_apps():
    po = polib.pofile(str(settings.BASE_DIR / "locale" / "es" / "LC_MESSAGES" / "django.po"))
    missing = [
        entry.msgid
        for entry in po
        if not entry.obsolete
        and any(path.split("/")[0] in _APPS for path, _line in entry.occurrences)
        and (entry.fuzzy or not entry.translated())
    ]
    assert missing == []
    # The admin's labels are in it (not only the pages').
    msgids = {entry.msgid for entry in po}
    assert {"Trellis administration", "guardian consents", "check-ins"} <= msgids
