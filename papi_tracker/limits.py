"""Bounds the data model keeps, in one place: settings size the request limits from them.

Plain constants, importing no model, so that settings.py can import them too."""

# The largest plan: the report form of an agency that reports on every task must still fit a request.
MAX_TASKS_PER_PLAN = 300

# What a reporter types, in characters: for each task (TaskProgress)…
TASK_NARRATIVE_MAX_LENGTH = 5000
TASK_EVIDENCE_MAX_LENGTH = 2000
TASK_DIFFICULTIES_MAX_LENGTH = 2000
# …and once for the whole report (Report.difficulties, Report.proposals).
REPORT_TEXT_MAX_LENGTH = 10000

# The report form posts, for each task, its status, percent done, achieved value, narrative,
# evidence, difficulties, file input (a browser sends an empty file input as a field) and the
# "confirm unchanged" box of an answer carried from the last period, and
# once: the CSRF token, the version, the report's difficulties and proposals, the button pressed.
# tests/test_limits.py holds these equal to reporting.forms.
REPORT_FORM_FIELDS_PER_TASK = 8
REPORT_FORM_OWN_FIELDS = 5

# What the department types on a report or a period.
REVIEW_NOTE_MAX_LENGTH = 2000
REOPEN_REASON_MAX_LENGTH = 1000
# Why an acceptance was undone: django-simple-history's change reason column holds 100 characters.
UNDO_REASON_MAX_LENGTH = 100
# A comment in a report's conversation (reporting.models.Comment): a few paragraphs, like a review note.
COMMENT_MAX_LENGTH = 2000

# What a coordinator types on a plan and its tasks (the seed plans' longest task title has 699).
PLAN_GOAL_MAX_LENGTH = 5000
# A plan pasted as text on the import page (An Giang's 179/KH-UBND is 40,000 characters).
PASTED_PLAN_MAX_LENGTH = 300_000
TASK_TEXT_MAX_LENGTH = 3000  # title, measure, expected output
# A decision amending a plan (plans.models.PlanAmendment): its number as a plan's, what it changed.
AMENDMENT_NUMBER_MAX_LENGTH = 50
AMENDMENT_SUMMARY_MAX_LENGTH = 2000

# Years and dates. PAPI's first survey was 2009; every date a person types for a plan (its
# periods, deadlines, issue date) lies in the plan's year or the one before or after it.
FIRST_PLAN_YEAR = 2009
LAST_PLAN_YEAR = 2100
PLAN_YEAR_MARGIN = 1
# A period closes by itself at most this many days after its due date, and a reopening for one
# agency lasts at most this many days from the day it is made.
MAX_GRACE_DAYS = 90
MAX_REOPEN_DAYS = 90
