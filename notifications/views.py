from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from papi_tracker.ids import given_ids

from . import services
from .forms import EmailChoiceForm

PER_PAGE = 20


def notification_list(request):
    """The user's notifications, newest first, with the e-mail choice."""
    page = Paginator(services.for_user(request.user), PER_PAGE).get_page(request.GET.get("page"))
    form = EmailChoiceForm(initial={"email": services.wants_email(request.user)})
    return render(request, "notifications/list.html", {"page": page, "form": form})


def notification_open(request, pk):
    """Open one notification: it is read, and the user goes to what it is about."""
    notification = get_object_or_404(services.for_user(request.user), pk=pk)
    services.mark_read(request.user, [notification.pk])
    if notification.link and url_has_allowed_host_and_scheme(notification.link, allowed_hosts=None):
        return redirect(notification.link)  # a path of this site, written when it was made
    return redirect("notification_list")


@require_POST
def notification_mark_read(request):
    """ "Đánh dấu đã đọc": the one notification posted, or all of them ("all"); junk marks none."""
    ids = None if request.POST.get("all") else given_ids(request.POST.getlist("notification"))
    count = services.mark_read(request.user, ids)
    messages.success(request, _("Đã đánh dấu %(count)s thông báo là đã đọc.") % {"count": count})
    return redirect("notification_list")


@require_POST
def notification_settings(request):
    form = EmailChoiceForm(request.POST)
    form.is_valid()  # a checkbox: always valid, absent means off
    services.set_email(request.user, form.cleaned_data.get("email", False))
    if form.cleaned_data.get("email"):
        messages.success(request, _("Bạn sẽ nhận thông báo qua thư điện tử."))
    else:
        messages.success(request, _("Bạn sẽ không nhận thông báo qua thư điện tử nữa."))
    return redirect("notification_list")
