"""Re-sync Chinese public holidays and make-up working days (调休) from the chinese_calendar package."""

from django.core.management.base import BaseCommand, CommandError

from casework.calendar import package_years, sync_from_package


class Command(BaseCommand):
    help = (
        "Make the work calendar match the installed chinese_calendar package for the given years "
        "(default: every year it knows). The package is authoritative for those years: rows are "
        "created, updated or deleted. Years it does not know must be entered in the admin."
    )

    def add_arguments(self, parser):
        parser.add_argument("--years", nargs="+", type=int, metavar="YEAR", help="only these years, e.g. --years 2025 2026")

    def handle(self, *args, years=None, **options):
        known = package_years()
        if years:
            unknown = sorted(set(years) - known)
            if unknown and len(unknown) == len(set(years)):
                raise CommandError(
                    f"The chinese_calendar package has no data for {', '.join(map(str, unknown))} "
                    f"(it knows {min(known)}–{max(known)}); enter those years in the admin."
                )
            for year in unknown:
                self.stderr.write(self.style.WARNING(f"Skipped {year}: not in the chinese_calendar package."))
        changed = sync_from_package(years)
        chosen = sorted(set(years) & known) if years else sorted(known)
        summary = f"Synced {len(chosen)} year(s) ({chosen[0]}–{chosen[-1]}): {changed} row(s) changed."
        self.stdout.write(self.style.SUCCESS(summary))
