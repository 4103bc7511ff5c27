"""Screenshots of every main page, for each role, at Chromebook and phone size.

    make screenshots            # = python -m testkit.screenshots docs/screenshots

Builds a throwaway SQLite database with the demo data (`seed_demo`), serves it with the
development server on a free port, signs each role in (a real session; adults with their second
factor passed) and saves `docs/screenshots/<role>-<page>-<size>.png` for every page of
`testkit.tour.demo_stops()`, in English, and with `--languages en es` in each language asked for
(the browser's Accept-Language; a user's own choice would win over it).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--languages", nargs="+", default=["en"])
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    workdir = Path(tempfile.mkdtemp(prefix="trellis-shots-"))
    env = {
        "DATABASE_URL": f"sqlite:///{workdir / 'demo.sqlite3'}",
        "REDIS_URL": "",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEBUG": "true",
        "AUDIT_ANCHOR_PATH": str(workdir / "audit-anchor"),
    }
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from playwright.sync_api import sync_playwright

    from accounts.models import Program, User
    from testkit.servers import run_servers
    from testkit.sessions import session_cookie
    from testkit.tour import VIEWPORTS, demo_stops, guardian_letters

    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    stops = demo_stops()
    letters = guardian_letters(Program.objects.get(name="Careers in Practice"))
    cookies = {
        s.username: session_cookie(User.objects.get(username=s.username))
        for s in stops
        if s.username
    }

    saved = 0
    shots: list[tuple[str, str, str, str]] = []  # (language, role, page, file)
    with run_servers(["runserver"], env=env, lifetime=900) as [server], sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        for language in args.languages:
            suffix = "" if language == "en" else f"-{language}"
            for size, viewport in VIEWPORTS.items():
                for stop in stops:
                    if stop.role == "guardian" and language != args.languages[0]:
                        continue  # in the guardian's own language, whatever the browser asks
                    context = browser.new_context(viewport=viewport, locale=language)
                    if stop.username:
                        context.add_cookies(
                            [
                                {
                                    "name": settings.SESSION_COOKIE_NAME,
                                    "value": cookies[stop.username],
                                    "url": server.http,
                                }
                            ]
                        )
                    page = context.new_page()
                    page.goto(f"{server.http}{stop.path}", wait_until="networkidle")
                    name = f"{stop.slug}-{size}{suffix}.png"
                    page.screenshot(path=str(out / name), full_page=True)
                    shots.append((language, stop.role, f"{stop.name} ({size})", name))
                    context.close()
                    saved += 1
        browser.close()
        # The guardian's printable letter is a PDF: its first page as an image, per language.
        for language, path in letters.items():
            pdf = workdir / f"letter-{language}.pdf"
            with urllib.request.urlopen(f"{server.http}{path}") as response:  # noqa: S310
                pdf.write_bytes(response.read())
            target = out / f"guardian-letter-{language}"
            subprocess.run(
                ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", pdf, target],
                check=True,
            )
            shots.append((language, "guardian", "letter, first page (PDF)", f"{target.name}.png"))
            saved += 1
    write_index(out / "README.md", shots)
    print(f"{saved} screenshots in {out}")
    return 0


def write_index(path: Path, shots: list[tuple[str, str, str, str]]) -> None:
    """A page listing every screenshot by language and role, for reading on the repository."""
    lines = [
        "# Screenshots",
        "",
        "Every main page of each role on the demo data, at Chromebook (1366x768) and phone",
        "(390x844) size. Made by `make screenshots` (testkit/screenshots.py); do not edit by hand.",
    ]
    for language in dict.fromkeys(s[0] for s in shots):
        lines += ["", f"## {language}"]
        for role in dict.fromkeys(s[1] for s in shots if s[0] == language):
            lines += ["", f"### {role}", ""]
            lines += [
                f"- [{page}]({name})"
                for lang, r, page, name in shots
                if lang == language and r == role
            ]
    path.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
