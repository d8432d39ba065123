"""The public pages: no login (`login_not_required`), Vietnamese, for citizens. Only published
plans (plans.access.public_plans); anything else is a 404 for everyone, signed in or not.

Cache-Control: not `public, max-age=60`: a proxy or browser keeping the page a minute would show a
withdrawn plan, or figures already changed, for that minute. The plan's page says `public,
no-cache` with an ETag (the cache key's digest): a copy may be kept, but is asked for again each
time; an unchanged page answers 304 in the same three queries, a withdrawn one 404. The app's
PrivateCacheMiddleware keeps that header for anonymous readers only (a signed-in reader's answer
is `private, no-store`). The index and the CSV keep the app's default."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags

from papi_tracker.collation import vietnamese
from papi_tracker.downloads import attachment, filename_slug
from plans.access import public_plans
from reporting import progress
from reporting.progress_csv import plan_progress_csv

from . import page


@login_not_required
def public_index(request):
    """Published plans by unit, in Vietnamese order, latest year first. One query."""
    plans = public_plans().select_related("province").order_by(vietnamese("province__name"), "-year", "document_number")
    return render(request, "public/index.html", {"plans": plans})


@login_not_required
def public_plan(request, pk):
    """A published plan's page (public/page.py), from the cache: three queries on a hit."""
    plan = get_object_or_404(public_plans().select_related("province", "issuing_agency"), pk=pk)
    key = page.cache_key(plan)
    etag = page.etag_of(key)
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(page.rendered(plan, key))
    response["ETag"] = etag
    patch_cache_control(response, public=True, no_cache=True)
    return response


@login_not_required
def public_plan_csv(request, pk):
    """The published plan's progress as CSV: the logged-in download's own builder
    (reporting.progress_csv), with the published plan's check instead of the login."""
    plan = get_object_or_404(public_plans().select_related("province"), pk=pk)
    content = plan_progress_csv(progress.plan_progress(plan))
    return attachment(content, f"tien-do-{filename_slug(plan.document_number)}-{plan.year}.csv", "text/csv; charset=utf-8")
