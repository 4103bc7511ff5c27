"""Which language a person reads Trellis in, and the one write that changes it.

The order, first that names a language Trellis speaks (settings.LANGUAGES):

1. the signed-in person's `preferred_language` (chosen by them or by a coordinator);
2. the language chosen on this browser with the switcher (the language cookie), for people who
   are not signed in, such as on the sign-in page;
3. the browser's `Accept-Language`, in its order of preference;
4. the person's district's `default_language`;
5. settings.LANGUAGE_CODE.

`language_for_person` serves e-mails and other text made outside a request (nudges, reminders,
alerts to staff): the person's preference, else their district's default.

Content written by people has a text per language: a weekly prompt in a JSON field beside the
text as written (`text_in_language` picks the reader's); crisis resources, guardian texts and
agreements each in their own shape (docs/adr/0008-translated-content.md).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http.cookie import parse_cookie
from django.utils import translation
from django.utils.translation import gettext as _

from .models import District, User


def language_supported(code: str | None) -> str | None:
    """The language of settings.LANGUAGES that serves `code` ("es-MX" -> "es"), or None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def languages_accepted(header: str) -> list[str]:
    """The language tags of an Accept-Language header, most preferred first (q=0 dropped)."""
    weighted = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip()
        if not tag or tag == "*" or len(tag) > 35:
            continue
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                continue
        if quality > 0:
            weighted.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


def language_for_person(*, user: User | None) -> str:
    """The language to write to this person in when no browser is asking (e-mails, alerts)."""
    if user is not None:
        chosen = language_supported(getattr(user, "preferred_language", ""))
        if chosen:
            return chosen
        return language_for_district(district=getattr(user, "district", None))
    return language_for_district(district=None)


def language_for_district(*, district: District | None) -> str:
    """The district's default language, for people of it whose language is not recorded (a
    student's guardian contacts); the site's language without a district."""
    if district is not None:
        default = language_supported(district.default_language)
        if default:
            return default
    return language_supported(settings.LANGUAGE_CODE) or settings.LANGUAGES[0][0]


def language_for_request(
    *, user: User | None, chosen_on_browser: str | None, accept_language: str
) -> str:
    """The language of a page: see the module's docstring for the order."""
    if user is not None and getattr(user, "is_authenticated", False):
        chosen = language_supported(user.preferred_language)
        if chosen:
            return chosen
    else:
        user = None
    browser_choice = language_supported(chosen_on_browser)
    if browser_choice:
        return browser_choice
    for tag in languages_accepted(accept_language):
        accepted = language_supported(tag)
        if accepted:
            return accepted
    return language_for_person(user=user)


def user_language_set(*, user: User, language: str) -> None:
    """Record the language `user` reads Trellis in ("" forgets the choice)."""
    if language and language_supported(language) != language:
        raise ValueError(f"{language!r} is not a language Trellis speaks.")
    if user.preferred_language == language:
        return
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])


def language_for_socket(*, scope: dict, user: User) -> str:
    """The language of a websocket: the same order as its pages, read from the handshake."""
    headers = {name.lower(): value for name, value in scope.get("headers", [])}
    cookies = parse_cookie(headers.get(b"cookie", b"").decode("latin1"))
    return language_for_request(
        user=user,
        chosen_on_browser=cookies.get(settings.LANGUAGE_COOKIE_NAME),
        accept_language=headers.get(b"accept-language", b"").decode("latin1"),
    )


# -- texts per language in data (docs/adr/0008-translated-content.md) ---------------------------


def validate_text_translations(value) -> None:
    """A field of texts per language: {"es": "..."}, keys among settings.LANGUAGES, each a
    non-empty text."""
    codes = {code for code, _name in settings.LANGUAGES}
    if not isinstance(value, dict):
        raise ValidationError(_('Give the texts per language, for example {"es": "..."}.'))
    for code, text in value.items():
        if code not in codes:
            raise ValidationError(
                _("%(code)r is not a language Trellis speaks (%(codes)s).")
                % {"code": code, "codes": ", ".join(sorted(codes))}
            )
        if not isinstance(text, str) or not text.strip():
            raise ValidationError(_("The text for %(code)s is empty.") % {"code": code})


def text_in_language(*, text: str, translations: dict | None, language: str) -> str:
    """The text of a piece of content for a reader of `language`: its own text in that language
    when it has one, else the text as written (`text`)."""
    chosen = language_supported(language)
    own = (translations or {}).get(chosen) if chosen else None
    return own if isinstance(own, str) and own.strip() else text
