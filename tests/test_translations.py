"""Every user-facing string has its English translation, and the compiled catalogue is current."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
PO = BASE / "locale" / "en" / "LC_MESSAGES" / "django.po"
SOURCES = ["manage.py", "papi_tracker", "accounts", "indicators", "plans", "reporting", "notifications", "api", "public",
           "devtools", "templates", "locale"]  # fmt: skip


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The catalogue as makemessages would make it from the code as it is now."""
    tree = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        source = BASE / name
        if source.is_dir():
            shutil.copytree(source, tree / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tree / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete", "-v0"],
        cwd=tree,
        check=True,
        env={"DEBUG": "1", "PATH": "/usr/bin:/bin", "PAPI_VAR_DIR": str(tree / "var")},
    )
    return polib.pofile(str(tree / "locale" / "en" / "LC_MESSAGES" / "django.po"))


def test_every_string_in_the_code_is_translated_to_english(extracted):
    missing = [entry.msgid for entry in extracted if not entry.translated()]
    assert not missing, f"untranslated or fuzzy in English (run makemessages -l en and translate): {missing}"


def test_the_committed_catalogue_holds_every_extracted_string(extracted):
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(PO))}
    new = [(e.msgctxt, e.msgid) for e in extracted if (e.msgctxt, e.msgid) not in committed]
    assert not new, f"strings missing from locale/en: {new}"


def test_the_compiled_catalogue_matches_the_source():
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, dict(e.msgstr_plural)) for e in polib.mofile(str(PO.with_suffix(".mo")))}
    for entry in polib.pofile(str(PO)):
        if entry.msgid:
            assert compiled.get((entry.msgctxt, entry.msgid)) == (entry.msgstr, dict(entry.msgstr_plural)), (
                f"django.mo is stale for {entry.msgid!r}: run compilemessages"
            )


@pytest.mark.django_db
def test_empty_choices_read_in_the_pages_language_not_djangos_english():
    """Django 6.1's "- Select an option -" has no Vietnamese translation: the app sets its own."""
    from django import forms
    from django.utils import translation

    from plans.models import Agency, AgencyGroup

    class Pick(forms.Form):
        agency = forms.ModelChoiceField(queryset=Agency.objects.none())

    kind = AgencyGroup._meta.get_field("member_kind").formfield()
    with translation.override("vi"):
        assert list(Pick().fields["agency"].choices)[0][1] == "— Chọn —"
        assert str(kind.choices[0][1]) == "— Chọn —"
    with translation.override("en"):
        assert str(list(Pick().fields["agency"].choices)[0][1]) == "— Choose —"
