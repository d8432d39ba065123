"""What happened to a report, for whoever listens (the notifications app): sent once the
transaction that made the change has committed, so a listener never sees a change rolled back.

Each signal's keyword arguments are listed beside it; `actor` is the user who acted. Reporting
never imports its listeners: apps that depend on reporting connect here (apps import one way).
"""

from django.db import transaction
from django.dispatch import Signal

report_submitted = Signal()  # report, actor
report_returned = Signal()  # report, actor, note
report_accepted = Signal()  # reports (a list: bulk accept sends one signal), actor
acceptance_undone = Signal()  # report, actor, reason
period_reopened = Signal()  # reopening (PeriodReopening), actor
comment_posted = Signal()  # comment, actor


def announce(signal, **kwargs):
    """Send `signal` after the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: signal.send(sender=None, **kwargs))
