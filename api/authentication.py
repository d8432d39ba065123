"""How a request proves it may read: `Authorization: Bearer <key>` of an ApiToken not revoked,
whose maker may still make it (api.access.still_held). Sessions do not authenticate the API (see DEVELOPING.md, "The
API"): its audience is other systems, and a cookie-authenticated API would need CSRF checks."""

from django.core.cache import caches
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions, permissions, throttling

from . import access, services
from .models import ApiToken, hash_key


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        try:
            header = authentication.get_authorization_header(request).split()
        except UnicodeEncodeError:  # a header is Latin-1 at most (RFC 9110): nothing else is a key
            raise exceptions.AuthenticationFailed(_("Khóa API không hợp lệ.")) from None
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Tiêu đề Authorization phải có dạng: Bearer <khóa>."))
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Khóa API không hợp lệ.")) from None
        token = (
            ApiToken.objects.active()
            .filter(access.still_held(), key_hash=hash_key(key))
            .select_related("created_by", "province")
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(_("Khóa API không hợp lệ hoặc đã bị thu hồi."))
        services.record_use(token)
        return (token.created_by, token)

    def authenticate_header(self, request):
        return self.keyword


class HasToken(permissions.BasePermission):
    """Every endpoint needs a token (request.auth is the ApiToken)."""

    def has_permission(self, request, view):
        return isinstance(request.auth, ApiToken)


class TokenRateThrottle(throttling.SimpleRateThrottle):
    """At most REST_FRAMEWORK's rate "api_token" per token, counted in the "limits" cache (shared
    by every app server when CACHE_URL is Redis)."""

    scope = "api_token"
    cache = caches["limits"]

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
