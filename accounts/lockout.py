"""The login lockout (django-axes), and the device cookie that keeps it from locking a user out of
their own browser (OWASP, "Slow Down Online Guessing Attacks with Device Cookies").

Without a device cookie, failures are counted per user name and address (papi_tracker.middleware.
client_ip): AXES_FAILURE_LIMIT of them lock that name from that address for AXES_COOLOFF_TIME,
whoever tries. Colleagues behind one office address share it, so one of them, or anyone on that
network, could keep a user locked out.

So a successful login leaves a device cookie in the browser: signed with SECRET_KEY, HttpOnly,
naming the user and a random id of this browser. An attempt for that user name that carries it
is counted by that id alone, whatever the address: failures of others do not hold it back, and
its own failures are bounded in the same way (the same limit, then the same cool-off, from any
address), so a stolen cookie gives no more guesses than anyone else gets. A new login renews the
cookie with a new id; another user's login in the same browser replaces it.
"""

import secrets

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings

DEVICE_COOKIE = "papi_device"
SALT = "accounts.lockout.device"
# Axes records each failure under (user name, address, user agent) and counts them by the
# parameters below. A device's failures are recorded with this in place of the User-Agent: its
# "ế" is no Latin-1 character, and a request's headers are Latin-1, so no client can send it.
DEVICE_AGENT = "thiết-bị:{}"
BY_ADDRESS = [["username", "ip_address"]]
BY_DEVICE = [["username", "user_agent"]]


def lockout_parameters(request, credentials=None):
    """AXES_LOCKOUT_PARAMETERS: how this attempt's failures are counted."""
    return BY_DEVICE if getattr(request, "login_device", None) else BY_ADDRESS


def recognise_device(request):
    """Before a login attempt is checked: when it carries a valid device cookie naming the user
    name it tries, count it by the device (axes then records it under DEVICE_AGENT)."""
    device = _device_of(request, request.POST.get("username", ""))
    if device is None:
        return
    AxesProxyHandler.update_request(request)  # axes fills in the request's attempt details once
    request.axes_user_agent = DEVICE_AGENT.format(device)
    request.login_device = device


def remember_device(response, username):
    """After a successful login: a new device cookie for this user in this browser."""
    response.set_signed_cookie(
        DEVICE_COOKIE,
        f"{secrets.token_hex(16)}:{username}",
        salt=SALT,
        max_age=settings.LOGIN_DEVICE_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",  # only ever needed by the login form, posted from this site
    )


def _device_of(request, username):
    value = request.get_signed_cookie(DEVICE_COOKIE, default=None, salt=SALT, max_age=settings.LOGIN_DEVICE_COOKIE_AGE)
    if not value or not username:
        return None
    device, _sep, named = value.partition(":")
    return device if device and named == username else None
