"""Who may see and change which reports, in one place. Views, downloads and exports ask
here; anything out of scope is a 404, the same answer as for what does not exist.

- administrators: everything;
- coordinators: every report of their province once it has been submitted (a draft is
  the agency's own until it is sent);
- viewers: the same, read only;
- reporters: their own agency's reports, in any state; they edit them while draft or returned.

An export (a background file) is its requester's alone, while they may still make it.

A report's conversation (reporting.models.Comment) is read by whoever sees the report, both its
threads; its agency's reporters and those who review it post. An agency that coordinates a task
the report's agency leads reads and posts that task's thread only, and nothing else of the
report (`get_thread_for_user`).
"""

from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.http import Http404

from papi_tracker.collation import vietnamese
from plans import access as plan_access
from plans.models import Agency, AgencyGroup, Membership, Task, TaskAssignment
from plans.obligations import assignments_of, groups_of, tasks_for_agency

from .models import EvidenceFile, Export, Report, ReportingPeriod, TaskProgress


def reporter_agencies(user):
    return Agency.objects.filter(
        memberships__user=user, memberships__user__is_active=True, memberships__role=Membership.Role.REPORTER
    )


def visible_periods(user):
    return ReportingPeriod.objects.filter(plan__in=plan_access.visible_plans(user))


def visible_reports(user):
    if not user.is_authenticated:
        return Report.objects.none()
    if plan_access.is_administrator(user):
        return Report.objects.all()
    return Report.objects.filter(
        Q(agency__in=reporter_agencies(user))
        | Q(status__in=Report.SENT, period__plan__province_id__in=plan_access.reading_province_ids(user))
    ).filter(period__plan__in=plan_access.visible_plans(user))


def get_report_for_user(user, pk, write=False):
    """The report, if the user may see it (and, with write, edit it now); otherwise 404."""
    queryset = visible_reports(user)
    if write:
        queryset = queryset.filter(agency__in=reporter_agencies(user)).editable()
    try:
        return queryset.select_related("agency", "period", "period__plan", "period__plan__province").get(pk=pk)
    except Report.DoesNotExist:
        raise Http404 from None


def get_reporting_agency(user, pk):
    """An agency the user reports for; otherwise 404."""
    try:
        return reporter_agencies(user).select_related("province").get(pk=pk)
    except Agency.DoesNotExist:
        raise Http404 from None


def can_review(user, period):
    """Accept and return reports: the coordinators of the period's province, and administrators."""
    return plan_access.managed_plans(user).filter(pk=period.plan_id).exists()


def get_period_for_user(user, pk, manage=False):
    queryset = ReportingPeriod.objects.filter(
        plan__in=plan_access.managed_plans(user) if manage else plan_access.visible_plans(user)
    )
    try:
        return queryset.select_related("plan", "plan__province").get(pk=pk)
    except ReportingPeriod.DoesNotExist:
        raise Http404 from None


def can_see_review_queue(user, period):
    return plan_access.is_administrator(user) or period.plan.province_id in set(
        plan_access.reading_province_ids(user).values_list("pk", flat=True)
    )


def colleague_progress(agency, groups, led=None):
    """The answers an agency may read as the lead of their tasks: what the other agencies
    answered in reports they have sent, on tasks the agency leads (`led`, task ids, when the
    caller already knows them). Where it leads through a group (e.g. every commune), the group's
    other members are peers who each report for themselves, not colleagues whose input it
    gathers: their answers are left out. A hundred communes would otherwise each read the other
    99's answers on every task."""
    if led is None:
        led = assignments_of(agency, TaskAssignment.Role.LEAD, [group.pk for group in groups]).values("task_id")
    answers = TaskProgress.objects.final().filter(task__in=led).exclude(report__agency=agency)
    # For each group of the agency: on the tasks that group leads, its members are peers.
    peers = Q()
    for group in groups:
        led_by_group = TaskAssignment.objects.filter(role=TaskAssignment.Role.LEAD, group=group).values("task_id")
        peers |= Q(task__in=led_by_group) & group.members_condition("report__agency")
    return answers.exclude(peers) if peers else answers


def colleague_answers(agency, period, led, groups):
    """For the report form: colleagues' answers in the period on the tasks `led` (ids)."""
    return (
        colleague_progress(agency, groups, led)
        .filter(report__period=period)
        .select_related("report__agency")
        .prefetch_related(evidence_files())
        .order_by("task_id", "report__agency__name")
    )


def evidence_files():
    """Answers' files as a list in `evidence_files`: a prefetch into a plain list, not a
    manager, spares a queryset per answer (a lead reads a hundred answers on one page)."""
    return Prefetch("files", queryset=EvidenceFile.objects.order_by("uploaded_at", "id"), to_attr="evidence_files")


def agency_groups(agency):
    """The agency's groups, as colleague_answers reads them."""
    return list(groups_of(agency).order_by().only("pk", "province_id", "member_kind"))


def visible_evidence(user):
    """Files of the reports the user sees, and of the answers the user's agencies read as
    colleagues' (see colleague_progress): the same files the report form links to."""
    readable = Q(progress__report__in=visible_reports(user))
    for agency in reporter_agencies(user):
        colleagues = colleague_progress(agency, agency_groups(agency)).filter(
            report__period__plan__in=plan_access.visible_plans(user)
        )
        readable |= Q(progress__in=colleagues.values("pk"))
    return EvidenceFile.objects.filter(readable)


def may_export_national(user):
    return plan_access.is_administrator(user)


def exportable_plans(user):
    """The plans whose whole year the user may export: those they manage."""
    return plan_access.managed_plans(user)


def visible_exports(user):
    """The exports the user asked for (no one else's, whatever their role)."""
    if not user.is_authenticated:
        return Export.objects.none()
    return Export.objects.filter(requested_by=user)


def get_export_for_user(user, pk):
    """The export, for the user who asked for it while they may still make it: a coordinator
    who has left the province no longer downloads its plan-year. Otherwise 404."""
    try:
        export = visible_exports(user).select_related("plan").get(pk=pk)
    except Export.DoesNotExist:
        raise Http404 from None
    plan = export.plan_id
    if not (may_export_national(user) if plan is None else exportable_plans(user).filter(pk=plan).exists()):
        raise Http404
    return export


# --- a report's conversation ---------------------------------------------------------------


@dataclass(frozen=True)
class ThreadPlace:
    """A thread the user reads: the report's (task None) or one of its tasks'."""

    report: Report
    task: Task | None
    may_post: bool
    whole_report: bool  # False: a coordinating agency, which reads this task's thread and nothing else
    agency: Agency | None  # the agency the user writes for (None: an administrator)


def get_thread_for_user(user, report_pk, task_pk=None, post=False):
    """The report's thread (or, with task_pk, its task's) if the user may read it (and, with
    post, write in it); otherwise 404, for a task the report does not cover as well."""
    report = Report.objects.select_related("agency", "period", "period__plan", "period__plan__province").filter(pk=report_pk)
    report = report.first()
    if report is None or not user.is_authenticated:
        raise Http404
    task = None
    if task_pk is not None:
        task = tasks_for_agency(report.agency, plan=report.period.plan).filter(pk=task_pk).select_related("dimension").first()
        if task is None:
            raise Http404
    if visible_reports(user).filter(pk=report.pk).exists():
        if reporter_agencies(user).filter(pk=report.agency_id).exists():
            place = ThreadPlace(report, task, True, True, report.agency)
        elif can_review(user, report.period):
            place = ThreadPlace(report, task, True, True, _coordinator_agency(user, report) if post else None)
        else:  # a viewer, a coordinator of another plan of the province: reading only
            place = ThreadPlace(report, task, False, True, None)
    else:
        agency = coordinating_agency(user, report, task) if task is not None else None
        if agency is None:
            raise Http404
        place = ThreadPlace(report, task, True, False, agency)
    if post and not place.may_post:
        raise Http404
    return place


def _coordinator_agency(user, report):
    """The Sở Nội vụ (or the plan's coordinating agency) a reviewer writes for; None for an administrator."""
    membership = (
        plan_access.memberships(user)
        .filter(role=Membership.Role.COORDINATOR, agency__province_id=report.period.plan.province_id)
        .select_related("agency")
        .order_by("-agency__is_coordinator", "agency_id")
        .first()
    )
    return membership.agency if membership else None


def coordinating_agency(user, report, task):
    """The agency of the user's that coordinates `task`, which the report's agency leads (and it
    does not): it takes part in that task's thread of the report. None when there is none."""
    if task.plan_id != report.period.plan_id or not plan_access.visible_plans(user).filter(pk=task.plan_id).exists():
        return None
    if not assignments_of(report.agency, TaskAssignment.Role.LEAD).filter(task=task).exists():
        return None
    for agency in reporter_agencies(user).exclude(pk=report.agency_id):
        roles = set(assignments_of(agency).filter(task=task).values_list("role", flat=True))
        if roles == {TaskAssignment.Role.COORDINATING}:  # an agency that also leads reports as lead
            return agency
    return None


def coordinated_task(agency, period, task_pk):
    """A task of the period's plan that the agency coordinates and does not lead; otherwise 404."""
    led = assignments_of(agency, TaskAssignment.Role.LEAD).values("task_id")
    tasks = tasks_for_agency(agency, plan=period.plan, role=TaskAssignment.Role.COORDINATING).exclude(pk__in=led)
    task = tasks.select_related("dimension").filter(pk=task_pk).first()
    if task is None:
        raise Http404
    return task


def lead_reports(agency, period, task):
    """The period's reports of the agencies that lead `task` (named, or through a group), but
    `agency`'s own: the reports whose thread on the task a coordinating agency takes part in."""
    leads = TaskAssignment.objects.filter(task=task, role=TaskAssignment.Role.LEAD)
    groups = AgencyGroup.objects.filter(pk__in=leads.exclude(group=None).values("group_id"))
    condition = Q(pk__in=leads.exclude(agency=None).values("agency_id")) | groups.members_condition(period.plan.province_id)
    return (
        Report.objects.filter(period=period, agency__in=Agency.objects.filter(condition))
        .exclude(agency=agency)
        .select_related("agency")
        .order_by(vietnamese("agency__name"), "pk")
    )
