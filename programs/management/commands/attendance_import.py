"""`manage.py attendance_import PATH --district SLUG [--dry-run]`: docs/programs.md, Evaluation."""

import pathlib

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.models import District
from programs.attendance import AttendanceRejected, school_attendance_import


class Command(BaseCommand):
    help = "Import students' school attendance (days or weeks) from a CSV file, for evaluation."

    def add_arguments(self, parser):
        parser.add_argument("path", help="A CSV file: student, date or week, status or day counts.")
        parser.add_argument("--district", required=True, help="The slug of the target district.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; write nothing."
        )

    def handle(self, *args, **options):
        try:
            district = District.objects.get(slug=options["district"])
        except District.DoesNotExist as exc:
            raise CommandError(_("No district with the slug %r.") % options["district"]) from exc
        try:
            data = pathlib.Path(options["path"]).read_bytes()
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        try:
            report = school_attendance_import(
                district=district, data=data, dry_run=options["dry_run"]
            )
        except AttendanceRejected as exc:
            for error in exc.report.errors:
                self.stderr.write(error)
            raise CommandError(str(exc)) from exc
        prefix = _("Would import") if report.dry_run else _("Imported")
        self.stdout.write(
            f"{prefix}: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged."
        )
