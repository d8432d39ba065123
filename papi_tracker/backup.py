"""A backup the app can restore anywhere: every row (Django's serialised data, keyed
naturally where it can be) and every private file (evidence, exports) in one .tar.gz. It
moves a province's data between SQLite and PostgreSQL too; for a large PostgreSQL server,
pg_dump is the faster tool (README)."""

import io
import json
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

DATA_NAME = "data.json"
MEDIA_PREFIX = "media/"
# Rebuilt by migrate, of no use in another database, or figures the app recomputes on first
# view (progress snapshots).
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "axes", "django_tasks_database", "reporting.progresssnapshot"]


def row_counts():
    """{app_label.Model: rows} of every model that a backup carries."""
    counts = {}
    for model in apps.get_models():
        label = model._meta.label
        if model._meta.app_label in EXCLUDED or label.lower() in EXCLUDED or model._meta.proxy:
            continue
        counts[label] = model._default_manager.count()
    return counts


def backup(path):
    """Write the backup to `path`; returns the row counts it holds."""
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as scratch:
        data = Path(scratch) / DATA_NAME
        call_command("dumpdata", natural_foreign=True, natural_primary=True, exclude=EXCLUDED, output=str(data), verbosity=0)
        with tarfile.open(path, "w:gz") as archive:
            archive.add(data, arcname=DATA_NAME)
            manifest = json.dumps(row_counts(), sort_keys=True).encode()
            info = tarfile.TarInfo("counts.json")
            info.size = len(manifest)
            archive.addfile(info, io.BytesIO(manifest))
            if media_root.exists():
                for file in sorted(p for p in media_root.rglob("*") if p.is_file()):
                    archive.add(file, arcname=MEDIA_PREFIX + file.relative_to(media_root).as_posix())
    return json.loads(manifest)


def is_empty():
    return not any(row_counts().values())


def restore(path):
    """Load a backup into an empty, migrated database and put back its files; all rows or
    none. Returns the counts the backup says it holds."""
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as scratch, tarfile.open(path, "r:gz") as archive:
        archive.extractall(scratch, filter="data")  # "data": no absolute paths, links or devices
        counts = json.loads((Path(scratch) / "counts.json").read_text())
        with transaction.atomic():
            call_command("loaddata", str(Path(scratch) / DATA_NAME), verbosity=0)
        media = Path(scratch) / MEDIA_PREFIX
        if media.exists():
            for file in media.rglob("*"):
                if file.is_file():
                    target = media_root / file.relative_to(media)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(file.read_bytes())
    return counts
