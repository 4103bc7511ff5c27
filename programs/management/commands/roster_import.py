"""`manage.py roster_import PATH --district SLUG [--dry-run] [--skip-invalid]`: docs/programs.md."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.models import District
from programs.oneroster import BundleUnreadable, read_bundle
from programs.roster import ENTITIES, ImportReport, RosterRejected, roster_import


class Command(BaseCommand):
    help = "Import schools, students and guardian contacts from a OneRoster 1.1/1.2 CSV bundle."

    def add_arguments(self, parser):
        parser.add_argument("path", help="A folder or a zip file with manifest.csv, orgs.csv, ...")
        parser.add_argument("--district", required=True, help="The slug of the target district.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; write nothing."
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the valid rows even when others have errors.",
        )
        parser.add_argument(
            "--administrators-as-coordinators",
            action="store_true",
            help="Create coordinator accounts for the roster's administrators.",
        )

    def handle(self, *args, **options):
        try:
            district = District.objects.get(slug=options["district"])
        except District.DoesNotExist as exc:
            raise CommandError(_("No district with the slug %r.") % options["district"]) from exc
        try:
            bundle = read_bundle(options["path"])
        except (BundleUnreadable, OSError) as exc:
            raise CommandError(str(exc)) from exc
        try:
            report = roster_import(
                district=district,
                bundle=bundle,
                dry_run=options["dry_run"],
                skip_invalid=options["skip_invalid"],
                map_administrators=options["administrators_as_coordinators"],
            )
        except RosterRejected as exc:
            self._print(exc.report)
            raise CommandError(str(exc)) from exc
        self._print(report)

    def _print(self, report: ImportReport) -> None:
        if report.dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
        for entity in ENTITIES:
            tally = report.counts[entity]
            self.stdout.write(
                _(
                    "%(entity)s: %(created)d to create, %(updated)d to update, "
                    "%(unchanged)d unchanged, %(deactivated)d to deactivate"
                )
                % {"entity": entity, **tally.as_dict()}
                if report.dry_run
                else _(
                    "%(entity)s: %(created)d created, %(updated)d updated, "
                    "%(unchanged)d unchanged, %(deactivated)d deactivated"
                )
                % {"entity": entity, **tally.as_dict()}
            )
        for role, count in sorted(report.ignored.items()):
            self.stdout.write(_("ignored %(role)s: %(count)d") % {"role": role, "count": count})
        for error in report.errors:
            self.stdout.write(_("error %(error)s") % {"error": error})
