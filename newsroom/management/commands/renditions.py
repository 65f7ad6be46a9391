"""Make the responsive renditions of the images of articles, authors,
people and organisations that have none yet:
after upgrading from a version without them, or after importing images by
other means. Saves make them as images are uploaded (the task queue)."""

from django.core.management.base import BaseCommand

from newsroom.stored import renditions
from newsroom.stored.signals import rows_rewritten


class Command(BaseCommand):
    help = "Make the missing WebP and JPEG renditions of article images."

    def handle(self, *args, **options):
        done = renditions.refresh_missing()
        for label, written in done.items():
            # The records are written with update(): the pages that show them are told.
            rows_rewritten(label, written)
        total = sum(len(written) for written in done.values())
        self.stdout.write(self.style.SUCCESS(f"Made the renditions of {total} images."))
