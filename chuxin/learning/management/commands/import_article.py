"""python manage.py import_article FILE [--json]: restore a damaged article (a .txt or a saved .html page) and print
it: the structured result as JSON (the keys of ../shared/fixtures/article-import/*.expected.json), or the clean
text with the list of changes made."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from chuxin.learning.restore import read_upload, restore

FILE_MAX_BYTES = 2 * 1024 * 1024


class Command(BaseCommand):
    help = "Restore a damaged article from a .txt or .html file and print the result."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .txt file or a saved web page (.html)")
        parser.add_argument("--json", action="store_true", help="print the structured article as JSON")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if path.stat().st_size > FILE_MAX_BYTES:
            raise CommandError(f"{path} is larger than {FILE_MAX_BYTES // 2**20} MB")
        try:
            text = read_upload(path.read_bytes(), path.name)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        result = restore(text)
        if options["json"]:
            self.stdout.write(json.dumps(result.article, ensure_ascii=False, indent=2))
            return
        self.stdout.write(result.text)
        if result.changes:
            self.stderr.write(f"{len(result.changes)} changes:")
            for change in result.changes:
                self.stderr.write(f"  line {change.line}: {change.kind}: {change.before!r} -> {change.after!r}")
