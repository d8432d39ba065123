from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST


@login_not_required
@never_cache
def health(request):
    """For load balancers: 200 when this server can reach its database, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


@require_POST
def keep_alive(request):
    """A page open for long (the report form) keeps its session: any request does, this one costs
    nothing. 204 while signed in; a session already ended gets the login redirect (or 401 from
    KeepPostedFormMiddleware for an autosave)."""
    return HttpResponse(status=204)
