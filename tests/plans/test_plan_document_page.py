"""The plan's import page fed the plan as issued (Word, PDF, pasted text), and `manage.py
import_plan`: the same preview, the same all-or-nothing save, the document's own data filled in
where the plan has none, headings that name no dimension mapped by the coordinator."""

import io
import json
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from indicators.models import Dimension
from plans import document_import, plan_document, plan_import
from plans.models import Plan, Target, Task
from tests.plans.test_plan_document import AN_GIANG, _docx, _pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def empty_plan(an_giang_plan):
    """A plan of An Giang's with no tasks or data yet: the document fills it."""
    return Plan.objects.create(
        province=an_giang_plan.province, year=2020, title="Kế hoạch PAPI 2020 (nhập từ văn bản)",
        document_number="999/KH-UBND", baseline_year=2018,
    )  # fmt: skip


def preview(client, plan, **data):
    response = client.post(reverse("plan_document_import", args=[plan.pk]), data)
    return response, response.content.decode()


def mapping_for(page):
    """Every name the page asks about mapped to a new agency, every heading to the general tasks."""
    data = {f"map-{i}": "new:other" for i in range(len(re.findall(r'name="map-\d+"', page)))}
    data |= {f"section-{i}": "0" for i in range(len(re.findall(r'name="section-\d+"', page)))}
    return data


def payload_of(page):
    return re.search(r'name="payload" value="([^"]+)"', page).group(1)


@pytest.mark.parametrize("form", ["text", "docx", "pdf"])
def test_the_issued_plan_imports_through_one_preview(client, coordinator, empty_plan, form):
    client.force_login(coordinator)
    if form == "text":
        response, page = preview(client, empty_plan, text=AN_GIANG)
    else:
        content = _docx(AN_GIANG.splitlines()) if form == "docx" else _pdf(AN_GIANG)
        upload = SimpleUploadedFile(f"ke-hoach.{form}", content)
        response, page = preview(client, empty_plan, document=upload)
    assert response.status_code == 200, page[:2000]
    # What the document says of the plan, and its tasks, before anything is saved.
    assert "179/KH-UBND" in page and "Trần Anh Thư" in page and "10/04/2020" in page
    assert "(ghi chung cho khối)" in page and not Task.objects.filter(plan=empty_plan).exists()
    # Saving asks for the names the province does not know; then all is saved at once.
    response = client.post(
        reverse("plan_document_import", args=[empty_plan.pk]), {"payload": payload_of(page), "save": "1", **mapping_for(page)}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    tasks = Task.objects.filter(plan=empty_plan)
    assert tasks.filter(dimension__isnull=False).count() == 58  # section III; section IV's duties have no dimension
    empty_plan.refresh_from_db()
    assert (empty_plan.signer, empty_plan.issue_date.isoformat()) == ("Trần Anh Thư", "2020-04-10")
    first = Target.objects.get(plan=empty_plan, dimension__number=1)
    assert first.target_score == Decimal("5.40") and "5,40" in first.text
    # Provenance: a name from the block's header is recorded as such.
    assert tasks.filter(assignments__from_block=True).exists() and tasks.filter(assignments__from_block=False).exists()


def test_the_documents_data_never_overwrites_what_the_coordinator_typed(client, coordinator, empty_plan):
    empty_plan.signer = "Người ký đã nhập"
    empty_plan.save()
    Target.objects.create(plan=empty_plan, dimension=Dimension.objects.for_year(2020).get(number=1), target_score=Decimal("6"))
    client.force_login(coordinator)
    _response, page = preview(client, empty_plan, text=AN_GIANG)
    client.post(
        reverse("plan_document_import", args=[empty_plan.pk]), {"payload": payload_of(page), "save": "1", **mapping_for(page)}
    )
    empty_plan.refresh_from_db()
    assert empty_plan.signer == "Người ký đã nhập"
    assert Target.objects.get(plan=empty_plan, dimension__number=1).target_score == Decimal("6")
    assert Target.objects.filter(plan=empty_plan).count() == 8


BARE = """KẾ HOẠCH
Nâng cao Chỉ số PAPI năm 2020
II. NHIỆM VỤ, GIẢI PHÁP
1. Công khai, minh bạch
- Niêm yết công khai các thủ tục hành chính tại bộ phận một cửa.
- Công khai danh sách hộ nghèo.
2. Công tác tuyên truyền
- Tuyên truyền Chỉ số PAPI trên loa truyền thanh.
"""


def test_a_heading_that_names_no_dimension_is_mapped_by_the_coordinator_never_made_a_task(client, coordinator, empty_plan):
    client.force_login(coordinator)
    response, page = preview(client, empty_plan, text=BARE)
    assert response.status_code == 200 and "Công tác tuyên truyền" in page and 'name="section-0"' in page
    assert "Không nêu" in page  # bare bullets: no lead stated, none invented
    payload = payload_of(page)
    # Saving before the heading is mapped saves nothing.
    refused = client.post(reverse("plan_document_import", args=[empty_plan.pk]), {"payload": payload, "save": "1"})
    assert refused.status_code == 400 and not Task.objects.filter(plan=empty_plan).exists()
    second = Dimension.objects.for_year(2020).get(number=2)
    saved = client.post(
        reverse("plan_document_import", args=[empty_plan.pk]), {"payload": payload, "save": "1", "section-0": str(second.pk)}
    )
    assert saved.status_code == 302
    tasks = Task.objects.filter(plan=empty_plan).order_by("order")
    assert [t.dimension.number for t in tasks] == [2, 2, 2]
    assert not any(t.assignments.exists() for t in tasks)  # "không nêu": nothing invented
    assert {t.timeframe_kind for t in tasks} == {Task.TimeframeKind.UNSTATED}
    assert "Công tác tuyên truyền" not in {t.title for t in tasks}


@pytest.mark.parametrize(
    "content, name",
    [
        (b"", "trong.docx"),
        (b"GIF89a not a plan", "ke-hoach.pdf"),
        (b"PK\x03\x04broken", "ke-hoach.docx"),
        (b"%PDF-1.4 broken", "ke-hoach.pdf"),
    ],
)
def test_a_file_that_cannot_be_read_says_why_and_saves_nothing(client, coordinator, empty_plan, content, name):
    client.force_login(coordinator)
    response, page = preview(client, empty_plan, document=SimpleUploadedFile(name, content))
    assert response.status_code == 400 and 'class="callout error"' in page
    assert not Task.objects.filter(plan=empty_plan).exists()


def test_a_document_without_tasks_and_an_empty_form_are_refused(client, coordinator, empty_plan):
    client.force_login(coordinator)
    response, page = preview(client, empty_plan, text="Công văn về việc họp giao ban.")
    assert response.status_code == 400 and 'class="callout error"' in page
    response, page = preview(client, empty_plan)
    assert response.status_code == 400 and "Hãy chọn tệp văn bản hoặc dán nội dung kế hoạch." in page


def test_a_forged_preview_is_refused(client, coordinator, empty_plan, an_giang_plan):
    client.force_login(coordinator)
    _response, page = preview(client, empty_plan, text=BARE)
    other = client.post(reverse("plan_document_import", args=[an_giang_plan.pk]), {"payload": payload_of(page), "save": "1"})
    assert other.status_code == 400
    excel = client.post(reverse("plan_task_import", args=[empty_plan.pk]), {"payload": payload_of(page), "save": "1"})
    assert excel.status_code == 400  # each import signs with its own salt


def test_the_commands_json_matches_the_preview(client, coordinator, empty_plan, tmp_path):
    text = AN_GIANG.replace("179/KH-UBND", "999/KH-UBND")
    path = tmp_path / "ke-hoach.txt"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("import_plan", str(path), province=empty_plan.province.code, dry_run=True, json=True, stdout=out)
    printed = json.loads(out.getvalue())
    rows, shown = document_import.document_preview(empty_plan, plan_document.blocks_from_text(text))
    names = plan_import.directory(empty_plan.province)
    plan_import.check(rows, names, {})
    expected = json.loads(json.dumps(document_import.describe(empty_plan, rows, shown, names), default=str))
    assert printed == expected
    assert len([t for t in printed["tasks"] if t["dimension"]]) == 58
    first = printed["tasks"][0]
    assert first["leads"][0] == {"written": "Sở Nội vụ", "matched": "Sở Nội vụ", "from_block": False}
    assert {"number", "title", "dimension", "sub_dimension", "measure", "timeframe", "where"} <= set(first)
    assert not Task.objects.filter(plan=empty_plan).exists()  # a dry run saves nothing


def test_the_command_saves_all_or_nothing(empty_plan, tmp_path):
    path = tmp_path / "ke-hoach.txt"
    path.write_text(BARE.replace("KẾ HOẠCH", "Số: 999/KH-UBND\nKẾ HOẠCH"), encoding="utf-8")
    with pytest.raises(CommandError, match="Công tác tuyên truyền"):
        call_command("import_plan", str(path), province=empty_plan.province.code, year=2020, stdout=io.StringIO())
    assert not Task.objects.filter(plan=empty_plan).exists()
    call_command(
        "import_plan", str(path), province=empty_plan.province.code, year=2020,
        section=["2. Công tác tuyên truyền=2"], stdout=io.StringIO(),
    )  # fmt: skip
    assert Task.objects.filter(plan=empty_plan).count() == 3


def test_the_command_refuses_what_it_cannot_read(tmp_path, empty_plan):
    path = tmp_path / "quet.pdf"
    path.write_bytes(b"%PDF-1.4 broken")
    with pytest.raises(CommandError):
        call_command("import_plan", str(path), province=empty_plan.province.code, stdout=io.StringIO())
    with pytest.raises(CommandError, match="No province"):
        call_command("import_plan", str(path), province="khong-co", stdout=io.StringIO())


def test_a_measure_above_a_value_keeps_its_above(dak_nong_plan):
    # Đắk Nông VII.1: "trên 90 %" (the seed says ">") is above 90, not at least 90.
    task = Task.objects.get(plan=dak_nong_plan, number="VII.1")
    assert task.measure_comparator == "gt" and task.measure_value == Decimal("90")
