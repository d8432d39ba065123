"""The conversation around a report (ý kiến trao đổi): a thread on the report as a whole and
one on each of its tasks, in place of "call me about this note". Who reads and writes which
thread is reporting.access's (`get_thread_for_user`); this module posts and reads them, each
read in one query whatever the number of tasks or comments."""

from collections import defaultdict
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from papi_tracker.limits import COMMENT_MAX_LENGTH

from . import events
from .models import Comment

EMPTY = _("Hãy nhập nội dung ý kiến trước khi gửi.")
TOO_LONG = _("Ý kiến dài tối đa %(limit)s ký tự (đang có %(count)s); hãy rút gọn hoặc chia làm nhiều ý kiến.")


def body_errors(body):
    """Why a comment's text is refused (a message for the user), or None."""
    text = (body or "").strip()
    if not text:
        return EMPTY
    if len(text) > COMMENT_MAX_LENGTH:
        grouped = {"limit": COMMENT_MAX_LENGTH, "count": len(text)}
        return TOO_LONG % {name: number_format(value, force_grouping=True) for name, value in grouped.items()}
    return None


class CommentForm(forms.Form):
    """The box under a thread. A refused text comes back in it with the message beside it."""

    body = forms.CharField(
        label=_("Ý kiến của bạn"),
        required=False,  # an empty box gets body_errors' message, not Django's
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": COMMENT_MAX_LENGTH}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_body(self):
        body = self.cleaned_data["body"]
        error = body_errors(body)
        if error:
            raise ValidationError(error)
        return body.strip()


@transaction.atomic
def post_comment(report, task, user, body, agency=None):
    """Save a comment on the report (task None) or on one of its tasks, written by `user` for
    `agency`, and announce it once committed (events.comment_posted). The caller has asked
    access.get_thread_for_user(…, post=True). Raises ValidationError with the reason when the
    text is refused."""
    error = body_errors(body)
    if error:
        raise ValidationError(error)
    comment = Comment(report=report, task=task, author=user, agency=agency, body=body.strip())
    comment._history_user = user
    comment.save()
    events.announce(events.comment_posted, comment=comment, actor=user)
    return comment


@dataclass
class Thread:
    """A report's comments: its own thread, and each task's by task id."""

    on_report: list = field(default_factory=list)
    by_task: dict = field(default_factory=dict)

    @property
    def count(self):
        # Not __len__: an empty thread is still a thread to write in ({% if thread %} in the form).
        return len(self.on_report) + sum(len(comments) for comments in self.by_task.values())

    def attach(self, sheet):
        """Each row of a readers.ReportSheet gets its task's comments as `row.comments`, and
        the id of its thread on the page as `row.anchor`."""
        for section in sheet.sections:
            for row in section.rows:
                row.comments = self.by_task.get(row.task.pk, [])
                row.anchor = f"y-kien-{row.task.pk}"


def _comments():
    return Comment.objects.select_related("author", "agency").order_by("created_at", "id")


def thread(report):
    """Every comment of the report, for those who read the whole report (one query)."""
    result = Thread(by_task=defaultdict(list))
    for comment in _comments().filter(report=report):
        if comment.task_id is None:
            result.on_report.append(comment)
        else:
            result.by_task[comment.task_id].append(comment)
    result.by_task = dict(result.by_task)
    return result


def comments_on(report, task=None):
    """One thread: the report's own (task None) or one task's (one query)."""
    comments = _comments().filter(report=report)
    return list(comments.filter(task=task) if task is not None else comments.filter(task__isnull=True))


def task_threads(reports, task):
    """{report id: [comments]} on one task across several reports (one query): the page of a
    coordinating agency, which reads that task's thread in each lead's report."""
    result = {report.pk: [] for report in reports}
    for comment in _comments().filter(report__in=list(result), task=task):
        result[comment.report_id].append(comment)
    return result
