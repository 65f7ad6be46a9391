"""``manage.py load_demo``: the launch story, its agreements and the demo
accounts. Run by ``make run``; safe to run again (see newsroom.demo.loader)."""

import os
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import URLValidator
from django.urls import reverse

from newsroom.demo import loader


class Command(BaseCommand):
    help = "Load the demo content (the launch story and its records) and create the demo editor and writer accounts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000/",
            help="The address the site is served at, for the links printed at the end.",
        )

    def handle(self, *args, url: str, **options):
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError as exc:
            raise CommandError(f"--url must be an http(s) address, not {url!r}.") from exc
        base = url.rstrip("/")

        try:
            result = loader.load()
        except loader.DemoError as exc:
            raise CommandError(str(exc)) from exc

        if result.created:
            made = ", ".join(f"{count} {what}" for what, count in sorted(result.created.items()))
            self.stdout.write(self.style.SUCCESS(f"Demo content loaded: created {made}."))
        else:
            self.stdout.write("Demo content already in place: nothing to add, nothing changed.")
        if result.repaired_image:
            self.stdout.write("The launch story's image file was missing and has been drawn again.")

        for account in result.accounts:
            self.stdout.write("")
            if account.password:
                # Printed this once and stored nowhere else: it is not in the
                # database (only its hash) and no later run can show it.
                self.stdout.write(self.style.SUCCESS(f"Demo {account.group.lower()} account created."))
                self.stdout.write(f"  username: {account.username}")
                self.stdout.write(f"  password: {account.password}")
                self.stdout.write("  This password is shown only now; note it down.")
            else:
                self.stdout.write(
                    f"Demo {account.group.lower()} account {account.username!r} already exists; "
                    "its password is not shown again."
                )
                self.stdout.write(f"  To set a new one: {python()} manage.py changepassword {account.username}")

        self.stdout.write("")
        self.stdout.write(f"Site:   {base}/")
        if result.launch is not None and result.launch.is_public:
            self.stdout.write(f"Story:  {base}{result.launch.get_absolute_url()}")
        self.stdout.write(f"Admin:  {base}{reverse('admin:index')}  (log in as 'editor' or 'writer')")


def python() -> str:
    """How to call this interpreter from the current folder: ".venv/bin/python"
    after ``make run``, rather than a "python" that may lack Django."""
    path = os.path.relpath(sys.executable)
    return sys.executable if path.startswith("..") else path
