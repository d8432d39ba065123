"""Who may see and change which reports, in one place. Views, downloads and exports ask
here; anything out of scope is a 404, the same answer as for what does not exist.

- administrators: everything;
- coordinators: every report of their province once it has been submitted (a draft is
  the agency's own until it is sent);
- viewers: the same, read only;
- reporters: their own agency's reports, in any state; they edit them while draft or returned.
"""

from django.db.models import Q
from django.http import Http404

from plans import access as plan_access
from plans.models import Agency, Membership

from .models import EvidenceFile, Report, ReportingPeriod, TaskProgress

SENT = [Report.Status.SUBMITTED, Report.Status.RETURNED, Report.Status.ACCEPTED]
EDITABLE = [Report.Status.DRAFT, Report.Status.RETURNED]


def reporter_agencies(user):
    return Agency.objects.filter(
        memberships__user=user, memberships__user__is_active=True, memberships__role=Membership.Role.REPORTER
    )


def reading_province_ids(user):
    """Provinces whose submitted reports the user reads: as coordinator or viewer."""
    return (
        plan_access.memberships(user)
        .filter(role__in=[Membership.Role.COORDINATOR, Membership.Role.VIEWER])
        .values("agency__province_id")
    )


def visible_periods(user):
    return ReportingPeriod.objects.filter(plan__in=plan_access.visible_plans(user))


def visible_reports(user):
    if not user.is_authenticated:
        return Report.objects.none()
    if plan_access.is_administrator(user):
        return Report.objects.all()
    return Report.objects.filter(
        Q(agency__in=reporter_agencies(user)) | Q(status__in=SENT, period__plan__province_id__in=reading_province_ids(user))
    ).filter(period__plan__in=plan_access.visible_plans(user))


def get_report_for_user(user, pk, write=False):
    """The report, if the user may see it (and, with write, edit it now); otherwise 404."""
    queryset = visible_reports(user)
    if write:
        queryset = queryset.filter(agency__in=reporter_agencies(user), status__in=EDITABLE)
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
        reading_province_ids(user).values_list("agency__province_id", flat=True)
    )


def colleague_answers(user, agency, period, tasks):
    """For the tasks an agency leads: what the other agencies answered, once sent."""
    return (
        TaskProgress.objects.filter(
            task__in=tasks,
            task__assignments__agency=agency,
            task__assignments__role="lead",
            report__period=period,
            report__status__in=SENT,
        )
        .exclude(report__agency=agency)
        .select_related("report__agency")
        .prefetch_related("files")
        .order_by("task_id", "report__agency__name")
    )


def visible_evidence(user):
    """Files of the reports the user sees, and of colleagues' answers on tasks the user's agency leads."""
    own = Q(progress__report__in=visible_reports(user))
    led = Q(
        progress__report__status__in=SENT,
        progress__task__assignments__role="lead",
        progress__task__assignments__agency__in=reporter_agencies(user),
        progress__report__period__plan__in=plan_access.visible_plans(user),
    )
    return EvidenceFile.objects.filter(own | led).distinct()
