from django.utils.functional import SimpleLazyObject

from . import services


def unread(request):
    """The header's unread count: one COUNT, made only when a page shows it to a logged-in user."""

    def count():
        user = getattr(request, "user", None)
        return services.unread_count(user) if user is not None and user.is_authenticated else 0

    return {"unread_notifications": SimpleLazyObject(count)}
