"""The compiled period report (báo cáo tổng hợp) the department sends the provincial People's
Committee: one function gathers it, from the same plan_progress the dashboard reads, and the
PDF and the Excel appendix render it, so the three never disagree."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from plans.excel import section_number
from plans.models import TaskAssignment

from .models import Report
from .progress import COMPLETED, TASK_STATUS_LABELS, plan_progress


@dataclass
class AgencyAnswer:
    agency_name: str
    role: str  # lead / coordinating
    status: str
    percent_done: int | None
    narrative: str
    achieved_value: object

    @property
    def status_label(self):
        return TASK_STATUS_LABELS.get(self.status, "")


@dataclass
class TaskResult:
    """A task as the compiled report shows it: the plan's words and each agency's answer."""

    state: object  # progress.TaskState
    answers: list  # AgencyAnswer, leads first

    @property
    def task(self):
        return self.state.task

    @property
    def lead_names(self):
        return [str(a.agency or a.group) for a in self.task.assignments.all() if a.role == TaskAssignment.Role.LEAD]

    @property
    def coordinating_names(self):
        return [str(a.agency or a.group) for a in self.task.assignments.all() if a.role == TaskAssignment.Role.COORDINATING]

    @property
    def percent_done(self):
        """The lead agencies' mean percent (completed counts 100, no answer 0); without a lead,
        every agency of the task's, as its status is decided."""
        leads = self.state.leads or self.state.agency_ids
        if not leads:
            return 0
        total = 0
        for agency_id in leads:
            answer = self.state.answers.get(agency_id)
            if answer is not None:
                total += 100 if answer.status == COMPLETED else (answer.percent_done or 0)
        return round(total / len(leads))

    @property
    def result_text(self):
        """Each agency's result on its own line, as the department would compile them."""
        return "\n".join(f"- {a.agency_name}: {a.narrative}" for a in self.answers if a.narrative)


@dataclass
class Section:
    number: str  # I, II… as in the plan's DANH MỤC; "" for general tasks
    row: object  # progress.DimensionProgress
    tasks: list  # TaskResult

    @property
    def title(self):
        if self.row.dimension is None:
            return _("Nhiệm vụ chỉ đạo, điều hành chung")
        return _("Chỉ số %(number)s: %(name)s") % {"number": self.row.dimension.number, "name": self.row.dimension.name}


@dataclass
class AgencyNotes:
    """What one agency reported as difficulties and proposals this period."""

    agency_name: str
    difficulties: str
    proposals: str
    task_difficulties: list = field(default_factory=list)  # (task number, text)


@dataclass
class CompiledReport:
    plan: object
    period: object
    progress: object  # progress.PlanProgress
    sections: list
    notes: list  # AgencyNotes, by agency name

    @property
    def tally(self):
        return self.progress.tally

    @property
    def discipline(self):
        return self.progress.discipline

    @property
    def proposals(self):
        return [n for n in self.notes if n.proposals]

    @property
    def difficulties(self):
        return [n for n in self.notes if n.difficulties or n.task_difficulties]


def compiled_report(plan, period, today=None):
    """Everything the compiled report of a plan's period says. Looking back at a past period
    counts answers up to its cut-off (plan_progress decides). Queries: plan_progress's, and the
    period's sent reports for their difficulties and proposals."""
    state = plan_progress(plan, period, today, with_text=True)
    names = {record.agency.pk: record.agency.name for record in state.records}
    by_dimension = {}
    for task_state in state.tasks:
        answers = []
        for agency_id, answer in task_state.answers.items():
            role = "lead" if agency_id in task_state.leads else "coordinating"
            answers.append(
                AgencyAnswer(
                    names.get(agency_id, ""),
                    role,
                    answer.status,
                    answer.percent_done,
                    answer.narrative,
                    answer.achieved_value,
                )
            )
        answers.sort(key=lambda a: (a.role != "lead", a.agency_name))
        by_dimension.setdefault(task_state.task.dimension_id, []).append(TaskResult(task_state, answers))
    sections, numbered = [], 0
    for row in state.dimensions:
        tasks = by_dimension.get(row.dimension.pk if row.dimension else None, [])
        if not tasks:
            continue
        number = section_number(numbered) if row.dimension is not None else ""
        numbered += row.dimension is not None
        sections.append(Section(number, row, tasks))

    notes = {}
    reports = list(Report.objects.filter(period=period, status__in=Report.FINAL).select_related("agency")) if period else []
    for report in reports:
        if report.difficulties.strip() or report.proposals.strip():
            notes[report.agency_id] = AgencyNotes(report.agency.name, report.difficulties.strip(), report.proposals.strip())
    period_reports = {r.pk for r in reports}
    for task_state in state.tasks:
        for answer in task_state.difficulties:
            if answer.report_id not in period_reports:
                continue  # raised in an earlier period: the report of this one says what still holds
            note = notes.setdefault(answer.agency_id, AgencyNotes(names.get(answer.agency_id, ""), "", ""))
            note.task_difficulties.append((task_state.task.number, answer.difficulties))
    return CompiledReport(plan, period, state, sections, sorted(notes.values(), key=lambda n: n.agency_name))
