"""Files the app hands over: one way to answer with an attachment."""

from django.http import HttpResponse
from django.utils.text import slugify

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def filename_slug(text):
    """A file name's ASCII part: Django's slugify, except that "đ" becomes "d" ("Đắk Nông" →
    "dak-nong"); slugify alone drops it, since Unicode gives "đ" no plain letter to decompose to."""
    return slugify(str(text).replace("đ", "d").replace("Đ", "D"))


def attachment(content, filename, content_type):
    """A download of bytes made in this request (exports, PDFs); the name is ASCII (`filename_slug` by the caller)."""
    return HttpResponse(content, content_type=content_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
