"""Evidence uploads: PDF, Word, Excel and images up to 10 MB, recognised by their content
(libmagic), never by the name or the type the browser claims."""

from pathlib import PurePath

import magic
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024
# Content type found in the file → the name endings it may carry.
ALLOWED = {
    "application/pdf": {".pdf"},
    "application/msword": {".doc"},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {".docx"},
    "application/vnd.ms-excel": {".xls"},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {".xlsx"},
    # Old Office files are OLE2 containers; libmagic may only see the container.
    "application/cdfv2": {".doc", ".xls"},
    "application/x-ole-storage": {".doc", ".xls"},
    "image/png": {".png"},
    "image/jpeg": {".jpg", ".jpeg"},
    "image/gif": {".gif"},
    "image/webp": {".webp"},
}
SNIFF_BYTES = 64 * 1024  # enough for libmagic to look inside an Office zip


def check_upload(upload):
    """The content type of an acceptable upload; raises ValidationError naming the file otherwise."""
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("Tệp “%(name)s” nặng %(size)s MB, vượt mức 10 MB.") % {"name": upload.name, "size": round(upload.size / 1048576, 1)}
        )
    if upload.size == 0:
        raise ValidationError(_("Tệp “%(name)s” rỗng.") % {"name": upload.name})
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    content_type = magic.from_buffer(head, mime=True).lower()
    suffix = PurePath(upload.name).suffix.lower()
    if suffix not in ALLOWED.get(content_type, set()):
        raise ValidationError(
            _("Tệp “%(name)s” không phải PDF, Word, Excel hoặc ảnh (nội dung tệp không khớp với tên).") % {"name": upload.name}
        )
    return content_type
