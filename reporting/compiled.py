"""The compiled period report (báo cáo tổng hợp) the department sends the provincial People's
Committee: one function gathers it, from the same plan_progress the dashboard reads, and the
PDF and the Excel appendix render it, so the three never disagree."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from plans.excel import section_number
from plans.models import TaskAssignment

from .models import Report, TaskProgress
from .progress import COMPLETED, TASK_STATUS_LABELS, plan_progress


@dataclass
class AgencyAnswer:
    agency_name: str
    role: str  # lead / coordinating
    status: str
    percent_done: int | None
    narrative: str
    achieved_value: object
    taken_in: bool = False  # a coordinating agency's answer the lead's answer took in

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
        """One answer per task: the lead agency's result (each lead's on its own line when
        several lead); the coordinating agencies' go to the annex (`annex_answers`). A task no
        lead answered shows whoever did answer, so nothing sent is left out."""
        leads = [a for a in self.answers if a.role == "lead" and a.narrative]
        if len(leads) == 1 and len([a for a in self.answers if a.role == "lead"]) == 1:
            return leads[0].narrative
        shown = leads or [a for a in self.answers if a.narrative]
        # Agencies that wrote the same words (a group's members often do) share one line.
        by_text = {}
        for answer in shown:
            by_text.setdefault(" ".join(answer.narrative.split()), []).append(answer.agency_name)
        return "\n".join(f"- {', '.join(names)}: {text}" for text, names in by_text.items())

    @property
    def annex_answers(self):
        """The coordinating agencies' answers with a result, for the optional annex (those a
        lead answered for; the others are in result_text already)."""
        if not any(a.role == "lead" and a.narrative for a in self.answers):
            return []
        return [a for a in self.answers if a.role == "coordinating" and a.narrative]


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
    with_annex: bool = False  # the coordinating agencies' answers in an annex (the compile form's choice)

    @property
    def tally(self):
        return self.progress.tally

    @property
    def discipline(self):
        return self.progress.discipline

    @property
    def annex_sections(self):
        """[(section, [TaskResult with annex answers])]: the annex of coordinating answers."""
        found = [(section, [t for t in section.tasks if t.annex_answers]) for section in self.sections]
        return [(section, tasks) for section, tasks in found if tasks]

    @property
    def proposals(self):
        return [n for n in self.notes if n.proposals]

    @property
    def difficulties(self):
        return [n for n in self.notes if n.difficulties or n.task_difficulties]


def _taken_in(states):
    """The ids of the answers the leads' answers took in: one query."""
    leads = [a.progress_id for s in states for agency_id, a in s.answers.items() if agency_id in s.leads and a.progress_id]
    if not leads:
        return set()
    through = TaskProgress.taken_in.through
    return set(through.objects.filter(from_taskprogress_id__in=leads).values_list("to_taskprogress_id", flat=True))


def compiled_report(plan, period, today=None):
    """Everything the compiled report of a plan's period says. Looking back at a past period
    counts answers up to its cut-off (plan_progress decides). Queries: plan_progress's, and the
    period's sent reports for their difficulties and proposals."""
    state = plan_progress(plan, period, today, with_text=True)
    names = {record.agency.pk: record.agency.name for record in state.records}
    taken = _taken_in(state.tasks)
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
                    answer.progress_id in taken,
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
