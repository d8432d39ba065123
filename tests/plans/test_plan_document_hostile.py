"""Documents built to hurt: pasted text that makes patterns backtrack, a list of hundreds of
names, a table merged over hundreds of rows, values past the model's bounds, dates that name no
day. Each gives a clear answer quickly and saves nothing wrong. A guard alarm turns a hang into a
failure (not a speed target: the benchmark holds those)."""

import io
import signal
from contextlib import contextmanager
from decimal import Decimal

import docx
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement

from indicators.models import Dimension
from plans import access, document_import, plan_document
from plans.forms import AgencyMappingForm
from plans.models import Agency, AgencyKind, Membership, Plan, Target, Task
from plans.plan_import import MAX_NAME_PARTS, Framework, directory, pieces
from tests.factories import make_reporter
from tests.plans.test_plan_document import HEADER, _docx

pytestmark = pytest.mark.django_db


@contextmanager
def at_most(seconds):
    def fail(*_args):
        raise AssertionError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def empty_plan(an_giang_plan):
    return Plan.objects.create(
        province=an_giang_plan.province, year=2020, title="Kế hoạch thử", document_number="998/KH-UBND", baseline_year=2018
    )


def test_long_pasted_runs_are_cut_into_short_blocks_before_any_pattern_reads_them():
    blocks = plan_document.blocks_from_text("Mục tiêu " + "1" * 30000 + "\n" + "phối hợp với Sở A" + " tỉnh," * 20000)
    assert blocks and all(len(block.text) <= plan_document.MAX_BLOCK_CHARS for block in blocks)


def test_a_paste_of_digits_and_levels_is_answered_quickly(client, coordinator, empty_plan):
    client.force_login(coordinator)
    text = "KẾ HOẠCH\nMục tiêu " + "1" * 100000 + "\nCơ quan phối hợp: Sở A" + " tỉnh," * 30000
    with at_most(60):
        response = client.post(reverse("plan_document_import", args=[empty_plan.pk]), {"text": text})
    assert response.status_code == 400 and not Task.objects.filter(plan=empty_plan).exists()


def test_a_name_listing_hundreds_of_parts_is_one_name_to_map():
    names = {"so noi vu": "agency:1"}
    long = "Sở Nội vụ, " + ", ".join(f"x{i}" for i in range(600))
    with at_most(10):
        assert pieces(long, names) == [(long, None)]
    assert MAX_NAME_PARTS <= 25
    assert pieces("Sở Nội vụ, Sở Mới", names) == [("Sở Nội vụ", "agency:1"), ("Sở Mới", None)]


def _merged_table(rows):
    """A DANH MỤC whose lead column is one cell merged down over every task row."""
    document = docx.Document()
    document.add_paragraph("I. Chỉ số 1: Tham gia của người dân ở cấp cơ sở")
    table = document.add_table(rows=1, cols=len(HEADER))
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    for number in range(1, rows + 1):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = str(number), f"Nhiệm vụ {number}"
        cells[5].text = "Thường xuyên"
    for index, row in enumerate(table.rows[1:]):
        tc = row._tr.tc_lst[3]
        properties = tc.get_or_add_tcPr()
        merge = OxmlElement("w:vMerge")
        merge.set(qn("w:val"), "restart" if index == 0 else "continue")
        properties.append(merge)
        if index == 0:
            tc.clear_content()
            tc.add_p().add_r().text = "Sở Nội vụ"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_lead_merged_down_a_long_table_leads_every_row_and_reads_in_one_pass():
    content = _merged_table(1200)  # python-docx's own cell walk recursed too deep past ~990
    with at_most(30):
        blocks = plan_document.read_blocks(content, "danh-muc.docx")
    rows = [b for b in blocks if b.cells and b.cells[0].isdigit()]
    assert len(rows) == 1200 and {row.cells[3] for row in rows} == {"Sở Nội vụ"}


def _table_plan(*rows):
    return _docx(
        ["Số: 997/KH-UBND", "KẾ HOẠCH", "DANH MỤC NHIỆM VỤ"],
        [HEADER, ["I", "Chỉ số 1: Tham gia của người dân ở cấp cơ sở"], *rows],
    )


def test_a_tables_values_get_the_excel_imports_checks_not_a_crash(empty_plan):
    rows = [
        ["1", "Công khai", "Đạt 150%", "Sở Nội vụ", "", "Thường xuyên", ""],
        ["2", "Rà soát", "", "Sở Nội vụ", "", "Quý IV/2099", ""],
        ["3", "Đối thoại", "Đạt 99999999999999 %", "Sở Nội vụ", "", "Quý IV/0000", ""],
        ["4", "Tiếp dân", "", "Sở Nội vụ", "", "Tháng 12 năm 0000", ""],
    ]
    blocks = plan_document.read_blocks(_table_plan(*rows), "danh-muc.docx")
    found, _preview = document_import.document_preview(empty_plan, blocks)
    first, second, third, fourth = [row for row in found if row.values]
    assert any("tối đa là 100" in error for error in first.errors)  # a percentage over 100
    assert second.errors  # a due date outside the plan's years
    assert third.values["timeframe_kind"] == "other" and fourth.values["timeframe_kind"] == "other"  # year 0: no day


def test_one_target_per_dimension_and_year_whichever_way_the_year_is_written(empty_plan):
    first = Dimension.objects.for_year(2020).get(number=1)
    Target.objects.create(plan=empty_plan, dimension=first, target_score=Decimal("5"))
    again = Target(plan=empty_plan, dimension=first, year=2020, target_score=Decimal("6"))
    with pytest.raises(Exception) as refused:
        again.full_clean()
    assert "Kế hoạch đã có chỉ tiêu cho chỉ số này trong năm này." in str(refused.value)
    assert Target.objects.of_dimensions(empty_plan).count() == 1


def test_a_documents_years_far_apart_do_not_become_the_plans_end(empty_plan):
    preview = document_import.DocumentPreview({"years": [2020, 9999]}, [], [])
    document_import.apply_document(empty_plan, preview)
    empty_plan.refresh_from_db()
    assert empty_plan.end_year is None
    document_import.apply_document(empty_plan, document_import.DocumentPreview({"years": [2020, 2025]}, [], []))
    empty_plan.refresh_from_db()
    assert empty_plan.end_year == 2025


def test_a_local_plans_coordinator_maps_names_to_existing_agencies_only(client, an_giang_plan):
    province = an_giang_plan.province
    office = Agency.objects.create(province=province, name="Phòng Nội vụ huyện Thoại Sơn", kind=AgencyKind.OTHER)
    committee = Agency.objects.get(province=province, name="UBND thành phố Long Xuyên")
    plan = Plan.objects.create(
        province=province, year=2020, title="Kế hoạch huyện", document_number="5/KH-UBND", baseline_year=2018,
        issuer_kind=Plan.IssuerKind.DISTRICT, issuing_agency=committee, coordinating_agency=office,
    )  # fmt: skip
    clerk = make_reporter("pnv.thoaison", office)
    Membership.objects.filter(user=clerk).update(role=Membership.Role.COORDINATOR)
    assert not access.managed_provinces(clerk).exists()
    form = AgencyMappingForm(names=["Cơ quan lạ"], agencies=[], groups=[], may_create=False)
    assert not any(str(value).startswith("new:") for value, _label in form.fields["map-0"].choices)
    client.force_login(clerk)
    text = "KẾ HOẠCH\nII. NHIỆM VỤ\n1. Công khai, minh bạch\nCơ quan phối hợp: Sở Du lịch mới\n- Niêm yết thủ tục."
    page = client.post(reverse("plan_document_import", args=[plan.pk]), {"text": text}).content.decode()
    assert 'name="map-0"' in page and 'value="new:' not in page
    before = Agency.objects.count()
    payload = page.split('name="payload" value="', 1)[1].split('"', 1)[0]
    refused = client.post(
        reverse("plan_document_import", args=[plan.pk]), {"payload": payload, "save": "1", "map-0": "new:other"}
    )
    assert refused.status_code == 400 and Agency.objects.count() == before and not plan.tasks.exists()


def test_the_command_answers_a_document_without_tasks_and_an_unknown_dimension(empty_plan, tmp_path):
    path = tmp_path / "cong-van.txt"
    path.write_text("Số: 998/KH-UBND\nCông văn về việc họp giao ban.", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_plan", str(path), province=empty_plan.province.code, year=2020, stdout=io.StringIO())
    path.write_text("Số: 998/KH-UBND\nKẾ HOẠCH\nII. NHIỆM VỤ\n1. Công tác tuyên truyền\n- Tuyên truyền.", encoding="utf-8")
    with pytest.raises(CommandError, match="no dimension 9"):
        call_command(
            "import_plan", str(path), province=empty_plan.province.code, year=2020,
            section=["1. Công tác tuyên truyền=9"], stdout=io.StringIO(),
        )  # fmt: skip


def test_the_province_page_shows_the_provinces_own_targets_only(an_giang_plan, viewer):
    from plans.targets import visible_targets

    committee = Agency.objects.get(province=an_giang_plan.province, name="UBND thành phố Long Xuyên")
    local = Plan.objects.create(
        province=an_giang_plan.province, year=2020, title="Kế hoạch TP", document_number="6/KH-UBND", baseline_year=2018,
        issuer_kind=Plan.IssuerKind.DISTRICT, issuing_agency=committee,
    )  # fmt: skip
    Target.objects.create(plan=local, dimension=Dimension.objects.for_year(2020).get(number=1), target_score=Decimal("9"))
    assert not visible_targets(viewer, an_giang_plan.province).filter(plan=local).exists()
    assert Framework.of(2020).dimensions and directory(an_giang_plan.province)


PASTED_HEAD = (
    "KẾ HOẠCH\nNâng cao Chỉ số PAPI năm 2021\nII. NHIỆM VỤ\n1. Chỉ số 1: Tham gia\n- Sở Nội vụ tăng cường tuyên truyền.\n"
)


@pytest.mark.parametrize(
    "pasted",
    ["a\t" * 149000, "\n".join(["x\tx\tx\tx\tx\tx\tx"] * 18700), "\n".join(["STT\tNội dung\tx\tx"] * 17000)],
    ids=["one-line-of-149k-cells", "18700-short-rows", "17000-header-rows"],
)
def test_a_paste_of_many_tab_cells_is_read_in_one_pass(pasted):
    """A row keeps at most MAX_CELLS cells (the rest joins the last); a header row is normalised
    once; the plan's data is read from the document's start. Before, 17-40 s each."""
    text = PASTED_HEAD + pasted
    assert len(text) <= 300000
    with at_most(10):
        blocks = plan_document.blocks_from_text(text)
        document = plan_document.parse_document(blocks, Framework.of(2021), 2021)
    assert all(len(block.cells) <= plan_document.MAX_CELLS for block in blocks if block.cells is not None)
    assert [row.values["title"] for row in document.rows] == ["Sở Nội vụ tăng cường tuyên truyền."]
