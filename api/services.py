"""Making, revoking and recording the use of API tokens."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .models import ApiToken, hash_key, new_key

# last_used_at is written at most this often per token: a dashboard polling every second
# would otherwise write a row per request.
LAST_USE_PRECISION = datetime.timedelta(minutes=1)


# A second "Tạo khóa" of the same name and province by the same user within this time is the
# same form sent twice (a double click, a form sent again): it makes no second token.
DOUBLE_SUBMIT_WINDOW = datetime.timedelta(minutes=1)


@transaction.atomic
def create_token(user, name, province):
    """(token, key): the key is returned once and never stored. Sent twice within
    DOUBLE_SUBMIT_WINDOW, the same token (not revoked) is returned with the key None: the key
    shown after the first is the one that works. Another name, or a minute later, makes another."""
    # One user's tokens are made one at a time, so that a second request sees the first's token
    # (PostgreSQL; SQLite's IMMEDIATE transactions already write one at a time).
    get_user_model().objects.select_for_update().only("pk").get(pk=user.pk)
    recent = ApiToken.objects.active().filter(
        created_by=user, name=name, province=province, created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW
    )
    if (sent_before := recent.first()) is not None:
        return sent_before, None
    key = new_key()
    token = ApiToken.objects.create(
        name=name, province=province, created_by=user, key_hash=hash_key(key), key_start=key[: len("papi_") + 4]
    )
    return token, key


def revoke_token(token, user):
    """Revoke at once; revoking again keeps the first time."""
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now, revoked_by=user)
    token.refresh_from_db(fields=["revoked_at", "revoked_by"])


def record_use(token, now=None):
    """Write last_used_at when the one stored is a minute old or more (one UPDATE then, none otherwise)."""
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USE_PRECISION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
