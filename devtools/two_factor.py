"""For the project's own tools, the benchmark and the test suite, which measure and check
pages, not the login. Only devtools imports it, and devtools is never installed in production
(tests/test_two_factor.py, tests/test_devtools.py)."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.two_factor import confirmed_device


def pass_without_code(session, user, device_name):
    """Mark a session as past the second step, with no code: the user's device, or a new one
    whose secret nobody knows (so only for users made for the purpose: a real user would then
    be asked for codes no app of theirs can give). Returns the device."""
    device = confirmed_device(user) or TOTPDevice.objects.create(user=user, name=device_name, confirmed=True)
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id  # as django_otp.login does
    return device
