import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from indicators.models import Province
from plans import document_import, plan_document, plan_import
from plans.models import Agency, Plan


class DryRun(Exception):
    """Raised to roll back what a dry run did, the plan it created included."""


class Command(BaseCommand):
    help = (
        "Import a plan from the document it was issued as (.docx, .pdf with text, or .txt), as the plan's "
        "import page does: --dry-run --json prints the preview; without --dry-run it saves, all or nothing. "
        "The plan is the province's plan with the document's number, created from the document if there is none."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The plan: .docx, .pdf with a text layer, or a text file (.txt).")
        parser.add_argument("--province", required=True, help="The unit's code (e.g. an-giang, an-giang-2025).")
        parser.add_argument("--year", type=int, help="The plan's year, when the document does not say it.")
        parser.add_argument("--dry-run", action="store_true", help="Show what would be saved; save nothing.")
        parser.add_argument("--json", action="store_true", help="Print the preview as JSON.")
        parser.add_argument(
            "--section",
            action="append",
            default=[],
            metavar="HEADING=N",
            help="Put the tasks under a heading that names no dimension in dimension N (0: general tasks).",
        )

    def handle(self, *args, file, province, year=None, dry_run=False, json=False, section=(), **options):
        unit = Province.objects.filter(code=province).first()
        if unit is None:
            raise CommandError(f"No province or unit with code {province!r}.")
        blocks = self._blocks(Path(file))
        try:
            with transaction.atomic():
                self._import(unit, blocks, year, dry_run, json, self._sections(section))
                if dry_run:
                    raise DryRun
        except DryRun:
            pass

    def _import(self, unit, blocks, year, dry_run, as_json, sections):
        try:
            data = plan_document.parse_document(blocks, plan_import.Framework.of(year or 2020), year or 2020).data
        except plan_document.DocumentError as error:
            raise CommandError(str(error)) from None
        year = year or (data.years[0] if data.years else None)
        if year is None:
            raise CommandError("The document does not say its year: give --year.")
        plan = self._plan(unit, year, data, dry_run)
        try:
            rows, preview = document_import.document_preview(plan, blocks)
        except plan_import.PlanImportError as error:
            raise CommandError(str(error)) from None
        headings = {h["text"]: h for h in preview.headings}
        chosen = {text: number for text, number in sections.items() if text in headings}
        dimension_ids = {d.number: d.pk for d in plan_import.Framework.of(plan.year).dimensions}
        unknown = sorted({number for number in chosen.values() if number and number not in dimension_ids})
        if unknown:
            raise CommandError(f"--section: no dimension {', '.join(map(str, unknown))} in {plan.year}'s framework.")
        waiting = document_import.apply_sections(
            rows, preview.headings, {text: dimension_ids.get(number, 0) for text, number in chosen.items()}
        )
        names = plan_import.directory(plan.province)
        result = plan_import.review(plan, rows, names, {}, saving=False)
        described = document_import.describe(plan, rows, preview, names)
        if as_json:
            self.stdout.write(json.dumps(described, ensure_ascii=False, indent=2, default=str))
        else:
            self.stdout.write(f"{plan}: {result.task_count} tasks, {result.error_count} with problems.")
        if dry_run:
            return
        problems = [f"heading to map (--section): {text}" for text in waiting]
        problems += [f"{row.number or row.where}: {error}" for row in rows for error in row.errors]
        problems += [f"name to map on the import page: {name}" for name in plan_import.unknown_names(rows, names)]
        if problems:
            raise CommandError("Nothing saved:\n  " + "\n  ".join(problems))
        added = plan_import.save(plan, rows, {}, after=lambda p: document_import.apply_document(p, preview))
        self.stdout.write(self.style.SUCCESS(f"Saved {added} tasks into {plan}."))

    def _blocks(self, path):
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        try:
            if path.suffix.lower() == ".txt":
                return plan_document.blocks_from_text(content.decode("utf-8"))
            return plan_document.read_blocks(content, path.name)
        except UnicodeDecodeError:
            raise CommandError(f"{path} is not UTF-8 text.") from None
        except plan_document.DocumentError as error:
            raise CommandError(str(error)) from None

    def _plan(self, unit, year, data, dry_run=False):
        """The unit's plan with the document's number, or a new one from the document, issued
        by whom the document says (a district's, a commune's or a department's plan is theirs)."""
        if not data.document_number:
            raise CommandError("The document does not give its number (số, ký hiệu).")
        plan = Plan.objects.filter(province=unit, document_number=data.document_number).first()
        if plan is not None:
            return plan
        plan = Plan(
            province=unit,
            year=year,
            end_year=data.years[1] if data.years and data.years[1] and data.years[1] > year else None,
            title=(data.title or f"Kế hoạch {data.document_number}")[:500],
            document_number=data.document_number[:50],
            baseline_year=data.baseline_year if data.baseline_year and data.baseline_year < year else year - 1,
            status=Plan.Status.DRAFT,
        )
        plan.issuer_kind, plan.issuing_agency = self._issuer(unit, data, dry_run)
        try:
            plan.full_clean(exclude=["issue_date"])
        except ValidationError as error:
            raise CommandError("; ".join(f"{field}: {' '.join(m)}" for field, m in error.message_dict.items())) from None
        plan.save()
        return plan

    def _issuer(self, unit, data, dry_run):
        """(Plan.IssuerKind, issuing agency) the document names: a plan not the province
        committee's is issued by one of the unit's agencies, found by its name."""
        kind = data.issuer_kind
        if not kind and data.issuer:  # "Ủy ban nhân dân thành phố X": the unit itself, or one of its cities
            kind = "province" if plan_import.normalise(unit.name) in plan_import.normalise(data.issuer) else "district"
        if kind in ("", Plan.IssuerKind.PROVINCE):
            return Plan.IssuerKind.PROVINCE, None
        key = plan_import.directory(unit).get(plan_import.normalise(data.issuer), "")
        agency = Agency.objects.filter(pk=key.split(":")[1]).first() if key.startswith("agency:") else None
        if agency is not None:
            return kind, agency
        message = f"The document is issued by “{data.issuer}”, which is no agency of {unit}: add it first."
        if not dry_run:
            raise CommandError(message)
        self.stderr.write(f"{message} (Previewed as the province's plan.)")
        return Plan.IssuerKind.PROVINCE, None

    def _sections(self, given):
        sections = {}
        for item in given:
            text, _sep, number = item.rpartition("=")
            if not text or not (number.isascii() and number.isdigit()):
                raise CommandError(f"--section {item!r}: write HEADING=N, N a dimension's number or 0.")
            sections[text] = int(number)
        return sections
