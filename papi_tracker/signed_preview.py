"""An import's preview, carried to its next step signed: the checked rows go into the page and
come back with the next request, read again only if nobody changed them and within the hour, so
any server can take the step. Both importers (scores, tasks) use it, each with its own salt."""

from django.core import signing
from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _

MAX_AGE = 3600  # seconds; the message below says "1 giờ"


class InvalidPreview(Exception):
    """Changed, made for something else, or older than MAX_AGE."""


def sign(payload, salt):
    return signing.dumps(payload, salt=salt, serializer=signing.JSONSerializer, compress=True)


def load(token, salt):
    try:
        return signing.loads(token, salt=salt, max_age=MAX_AGE, serializer=signing.JSONSerializer)
    except signing.BadSignature:  # SignatureExpired included
        raise InvalidPreview from None


def refused():
    """The answer to a preview that cannot be used."""
    return HttpResponseBadRequest(_("Dữ liệu xem trước không hợp lệ hoặc đã quá 1 giờ; hãy tải tệp lên lại."))
