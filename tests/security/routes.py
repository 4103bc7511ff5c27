"""Every HTTP route the URL resolver knows, as a concrete path with sample parameters."""

import re

from django.urls import URLPattern, URLResolver, get_resolver

SAMPLE = {"app_label": "accounts", "token": "not-a-real-token"}


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _concrete(route: str) -> str:
    route = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: _sample(m.group(1), m.group(2)), route)
    # Regex routes (the admin's): named groups get samples, anchors go.
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: _sample(None, m.group(1)), route)
    route = route.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")
    return "/" + route


def _sample(converter: str | None, name: str) -> str:
    if name in SAMPLE:
        return SAMPLE[name]
    if converter == "int" or name.endswith("_id") or name in ("pk", "id"):
        return "1"
    if converter == "uuid":
        return "00000000-0000-0000-0000-000000000000"
    return "1"


def all_routes() -> list[str]:
    """Sorted, de-duplicated concrete paths for every route (static files excluded: they are
    served before Django in production and by the dev server's handler in development)."""
    seen = set()
    for route in _walk(get_resolver().url_patterns):
        path = _concrete(route)
        if path.startswith("/static/"):
            continue
        seen.add(path)
    return sorted(seen)
