"""Errors of the JSON API and of the socket carry a stable `code`, the same in every language, and
a `detail` in the reader's language (their `preferred_language`)."""

import json
import re

import polib
import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.test import Client

from testkit.sessions import login_verified, session_cookie
from tests.messaging.support import connect

pytestmark = pytest.mark.usefixtures("fresh_limits")


def _speaking(user, language):
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    client = Client()
    login_verified(client, user)
    return client


def _errors(client, conversation, outsider_conversation):
    """Refusals of the API: an out-of-range query, an empty message, bad JSON, a conversation
    that is not the reader's."""
    messages = f"/api/conversations/{conversation.pk}/messages/"
    client.get("/")  # sets the csrftoken cookie
    headers = {"HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value}

    def post(url, body):
        return client.post(url, body, content_type="application/json", **headers)

    return [
        client.get(messages, {"limit": 201}),
        client.get(messages, {"limit": 0}),
        post(messages, json.dumps({"client_id": "a", "body": ""})),
        post(messages, "{nope"),
        client.get(f"/api/conversations/{outsider_conversation}/messages/"),
    ]


def test_the_api_keeps_its_codes_and_translates_its_details(
    conversation, student, make_user, district
):
    english = [
        (r.status_code, r.json()["error"])
        for r in _errors(_speaking(student, "en"), conversation, 999_999)
    ]
    spanish = [
        (r.status_code, r.json()["error"])
        for r in _errors(_speaking(student, "es"), conversation, 999_999)
    ]
    assert [(s, e["code"]) for s, e in spanish] == [(s, e["code"]) for s, e in english]
    assert [e["code"] for _s, e in spanish] == [
        "wrong_type",
        "wrong_type",
        "empty",
        "invalid_json",
        "not_found",
    ]
    assert [e["detail"] for _s, e in spanish] == [
        "'limit' debe ser un número entero de 1 a 200.",
        "'limit' debe ser un número entero de 1 a 200.",
        "El mensaje está vacío.",
        "El cuerpo no es JSON válido.",
        "Esa conversación no existe.",
    ]
    assert all(
        e["detail"] != s["detail"] for (_a, e), (_b, s) in zip(english, spanish, strict=True)
    )
    assert spanish[0][1]["field"] == english[0][1]["field"] == "limit"


@pytest.mark.django_db(transaction=True)
async def test_the_socket_keeps_its_codes_and_translates_its_details(conversation, student):
    student.preferred_language = "es"
    await sync_to_async(student.save)(update_fields=["preferred_language"])
    sock = await connect(await sync_to_async(session_cookie)(student))
    frames = [
        {"type": "history", "conversation": conversation.pk, "limit": 5000, "ref": "a"},
        {"type": "history", "conversation": conversation.pk, "limit": 0, "ref": "b"},
        {"type": "nope", "ref": "c"},
        {"type": "send", "conversation": conversation.pk, "client_id": "x", "ref": "d"},
        {"type": "read", "conversation": conversation.pk, "seq": "1", "ref": "e"},
    ]
    replies = []
    for frame in frames:
        await sock.send(**frame)
        replies.append(await sock.recv())
    assert [(r["type"], r["code"], r.get("ref")) for r in replies] == [
        ("error", "wrong_type", "a"),
        ("error", "wrong_type", "b"),
        ("error", "unknown_type", "c"),
        ("error", "missing_field", "d"),
        ("error", "wrong_type", "e"),
    ]
    assert [r["detail"] for r in replies] == [
        "'limit' debe ser como máximo 200.",
        "'limit' debe ser al menos 1.",
        "Tipo de evento desconocido 'nope'.",
        "'send' necesita 'body'.",
        "'seq' debe ser un número entero.",
    ]
    await sock.close()


# Second-person forms of "tú" and of "usted" in the Spanish of these details.
ADDRESSING = re.compile(
    r"\b(tú|tu|tus|te|vuelve|ve|cierra|inicia|usted|vuelva|cierre|inicie|vaya)\b", re.I
)


def test_the_details_address_neither_tu_nor_usted():
    """The socket's and the API's details reach students and adults alike: their Spanish uses
    forms that address neither ("hay que...", "se puede...")."""
    catalogue = polib.pofile(str(settings.BASE_DIR / "locale" / "es" / "LC_MESSAGES" / "django.po"))
    sources = ("messaging/consumers.py", "messaging/views.py", "messaging/protocol.py")
    addressing = {
        entry.msgid: entry.msgstr
        for entry in catalogue
        if entry.occurrences
        and all(path in sources for path, _line in entry.occurrences)
        and ADDRESSING.search(entry.msgstr)
    }
    assert addressing == {}
