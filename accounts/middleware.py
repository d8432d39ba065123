from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from . import two_factor

# Reachable before the second step: leaving, and every view open to anyone (login_not_required:
# the public pages, the API read by token and its documentation, the language switcher, the load
# balancers' check, the login and password-reset pages). What an anonymous visitor may open cannot
# need a second step: logging out would reach it.
OPEN_BEFORE_SECOND_STEP = {"logout", "admin:logout"}


def open_before_second_step(view_func, view_name):
    return view_name in OPEN_BEFORE_SECOND_STEP or getattr(view_func, "login_required", True) is False


class TwoFactorMiddleware:
    """A session that still has a step to pass (two_factor.next_step: the code, or enrolment
    where the role requires a device) reaches that step's page and, besides what is open to anyone
    (open_before_second_step), nothing else, the admin included. After django_otp's
    OTPMiddleware, which says whether the session passed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        step = two_factor.next_step(request.user)
        view_name = request.resolver_match.view_name
        if step is None or view_name == step or open_before_second_step(view_func, view_name):
            return None
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
