"""Reading a plan from the document it is issued as (Word .docx, PDF, or pasted text): the
plan's data (number, date, issuer, signer, years, baseline year, goal), its targets and its
tasks, as plan_import.ImportRow, for the same preview and mapping steps as the Excel import.
Pure parsing: nothing is saved here.

Libraries: python-docx reads a .docx's paragraphs and tables in body order
(Document.iter_inner_content), so a table's rows come where the table stands; pypdf reads the
text layer of a PDF page by page. A PDF that is encrypted (past an empty password) or scanned
(no text layer) is refused with a message saying what to send instead: we do no OCR. Both are
permissive licences (MIT, BSD); AGPL readers (PyMuPDF) are left out because they would oblige
the whole service, as served to users, to publish its source under the AGPL.

Documents are read as they come from offices and PDF extraction: lines broken mid-sentence are
joined, common slips ("S Nội vụ", "tnh") repaired, and whatever a document does not say (a
lead, a timeframe, a baseline year) stays empty: nothing is invented.

The forms found: narrative blocks per dimension with their header ("Chỉ đạo thực hiện", "Cơ quan
chủ trì thực hiện", "Cơ quan phối hợp") and agency bullets ("- Sở Y tế:" with "+" tasks); the
DANH MỤC table (columns as in plans/excel.py, Roman section rows setting the dimension); bare
bullets under dimension headings; and the "Tổ chức thực hiện" section's assignments."""

import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field

import docx
from django.utils.translation import gettext as _
from docx.table import Table, _Cell
from pypdf import PdfReader

from indicators.models import SubDimension
from papi_tracker.spreadsheets import MAX_PARTS, unpacked_bytes

from .excel import COLUMNS
from .plan_import import GENERAL, ImportRow, _section_of, dimension_named, normalise

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 40 * 1024 * 1024  # a .docx with its pictures; more is a zip bomb, not a plan
MAX_PAGES = 200
MAX_BLOCKS = 20000
MAX_BLOCK_CHARS = 5000  # a paragraph of a real plan is far shorter; see _bounded


class DocumentError(Exception):
    """The document as a whole cannot be read; the message says why, in the user's language."""


@dataclass
class Block:
    """A paragraph line (text) or a table row (cells), and where it stands ("đoạn 12",
    "trang 3, dòng 5", "bảng 1, dòng 4")."""

    text: str = ""
    where: str = ""
    cells: list | None = None


@dataclass
class PlanData:
    """What the document says of the plan itself; None or "" where it says nothing."""

    title: str = ""
    document_number: str = ""
    issue_date: datetime.date | None = None
    issuer: str = ""
    # Plan.IssuerKind's value the issuer's name says ("province", "department", "district",
    # "commune"); "" when it does not ("Ủy ban nhân dân thành phố X": a province's or a district's).
    issuer_kind: str = ""
    signer: str = ""
    signer_title: str = ""
    years: tuple | None = None  # (start, end)
    baseline_year: int | None = None
    goal: str = ""


@dataclass
class Target:
    """A target as written. kind: "score", "group" (1 highest … 4 lowest), "rank" or
    "percent"; comparator: "≥" at least ("đạt", "tối thiểu"), ">" above ("trên"), "=" as
    stated, "≤" at most (rank "top 20", group "trung bình cao trở lên": group 2 or better),
    "up" (rank: up at least `value` places). dimension_number None: the whole plan."""

    dimension_number: int | None
    sub_dimension_code: str | None
    kind: str
    comparator: str
    value: str
    text: str
    where: str
    year: int | None = None  # the year a programme of several years aims at ("Năm 2026: …"); None: its first


@dataclass
class Heading:
    text: str
    where: str


@dataclass
class PlanDocument:
    data: PlanData
    targets: list = field(default_factory=list)
    rows: list = field(default_factory=list)  # ImportRow
    unrecognised: list = field(default_factory=list)  # Heading: looks like a section, names no dimension


# --- reading ----------------------------------------------------------------------------------


def read_upload(upload):
    """The blocks of an uploaded file, refused by its size before a byte is read."""
    if upload.size > MAX_DOCUMENT_BYTES:
        raise DocumentError(_too_large())
    return read_blocks(upload.read(), upload.name)


def _too_large():
    return _("Tệp lớn hơn %(size)s MB.") % {"size": MAX_DOCUMENT_BYTES // (1024 * 1024)}


def read_blocks(content, filename=""):
    """The blocks of a .docx or a PDF, told apart by their first bytes, not by the name."""
    if not content:
        raise DocumentError(_("Tệp trống."))
    if len(content) > MAX_DOCUMENT_BYTES:
        raise DocumentError(_too_large())
    if content.startswith(b"%PDF"):
        blocks = _pdf_blocks(content)
    elif content.startswith(b"PK\x03\x04"):
        blocks = _docx_blocks(content)
    else:
        raise DocumentError(_("Chỉ nhận tài liệu Word (.docx) hoặc PDF; tệp .doc cũ hãy lưu lại thành .docx."))
    if len(blocks) > MAX_BLOCKS:
        raise DocumentError(_("Tài liệu dài quá %(count)s đoạn.") % {"count": MAX_BLOCKS})
    return _bounded(blocks)


def blocks_from_text(text):
    """Pasted text: a block per line, lines broken mid-sentence joined. Word puts a tab after a
    list's number or bullet ("1.\tRà soát…", "-\tSở Nội vụ…"): that tab becomes a space before
    anything else. A line of three cells or more parted by tabs (a Word table copied and pasted)
    is a table row, and so is a line of two once a DANH MỤC header row has been seen (a section
    row "I\tChỉ số 1…"), up to the next heading or list line, or above the first part and from
    "Nơi nhận" on (the national header and the signature, tables in Word); any other tab is a
    space: "Sở Y tế:\tTổ chức…" in the tasks is no row to drop. At most
    MAX_CELLS cells a row: the rest joins the last, so a hostile line costs no more than a row."""
    lines = [(line, _("dòng %(line)s") % {"line": n}) for n, line in enumerate((text or "").splitlines(), 1)]
    if len(lines) > MAX_BLOCKS:
        raise DocumentError(_("Tài liệu dài quá %(count)s đoạn.") % {"count": MAX_BLOCKS})
    blocks, prose, in_table, zone = [], [], False, "head"  # zone: head, body (from the first part), end
    for line, where in lines:
        cells = line.split("\t", MAX_CELLS - 1) if "\t" in line else []
        filled = sum(1 for cell in cells if cell.strip())
        if not (in_table and filled >= 2):
            line = TAB_MARKER.sub(r"\g<marker> ", line)
            cells = line.split("\t", MAX_CELLS - 1) if "\t" in line else []
            filled = sum(1 for cell in cells if cell.strip())
        flat = " ".join(line.split())
        if zone == "head" and len(flat) <= 90 and _part_of(flat):
            zone = "body"
        elif END.match(flat):
            zone = "end"
        if filled >= 3 or (filled == 2 and (in_table or zone != "body")):
            blocks += _join_lines(prose)
            prose = []
            cells = [_repair(" ".join(cell.split())) for cell in cells]
            in_table = in_table or (_may_head(cells) and _columns_of(cells) is not None)
            blocks.append(Block(line, where, cells))
            continue
        if in_table and flat and "\t" not in line:
            in_table = not (MARKER.match(flat) or END.match(flat) or _part_of(flat))
        prose.append((line.replace("\t", " "), where))
    return _bounded(blocks + _join_lines(prose))


MAX_CELLS = 40  # a plan's table has about ten columns
# A list's number or bullet and the tab Word puts after it: "1.\t", "1.2.\t", "a)\t", "II.\t", "-\t", "+\t".
TAB_MARKER = re.compile(r"^(?P<marker>\s*(?:\d{1,3}(?:\.\d{1,3})*[.)]?|[IVXLC]{1,6}[.)]?|[a-zđ][.)]|[-+*•–]))[ ]*\t+[ \t]*")


def _bounded(blocks):
    """Blocks no longer than MAX_BLOCK_CHARS: a longer paragraph is cut at spaces, a longer cell
    cut short (it is past any column's length anyway). Every pattern below then reads short text,
    whatever was pasted."""
    bounded = []
    for block in blocks:
        if block.cells is not None:
            cells = [cell[:MAX_BLOCK_CHARS] for cell in block.cells]
            bounded.append(Block(" | ".join(cells)[: MAX_BLOCK_CHARS * 2], block.where, cells))
            continue
        text = block.text
        while len(text) > MAX_BLOCK_CHARS:
            cut = text.rfind(" ", 0, MAX_BLOCK_CHARS)
            cut = cut if cut > MAX_BLOCK_CHARS // 2 else MAX_BLOCK_CHARS
            bounded.append(Block(text[:cut], block.where))
            text = text[cut:].lstrip()
        bounded.append(Block(text, block.where))
    return bounded


def _docx_blocks(content):
    unreadable = DocumentError(_("Tệp Word (.docx) bị hỏng, không đọc được."))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise DocumentError(_("Chỉ nhận tài liệu Word (.docx) hoặc PDF."))
            # A few kB can unpack to gigabytes: measure from the directory before parsing XML.
            if len(archive.infolist()) > MAX_PARTS or unpacked_bytes(archive) > MAX_UNPACKED_BYTES:
                raise DocumentError(
                    _("Tệp giải nén ra quá lớn (hơn %(size)s MB): không phải một kế hoạch bình thường.")
                    % {"size": MAX_UNPACKED_BYTES // (1024 * 1024)}
                )
        document = docx.Document(io.BytesIO(content))
        return list(_docx_body(document))
    except DocumentError:
        raise
    except Exception as error:  # python-docx and lxml raise many kinds for a damaged file
        raise unreadable from error


def _docx_body(document):
    paragraph, table = 0, 0
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            table += 1
            above = {}  # {grid column: text} for cells merged down from the row above
            for number, tr in enumerate(item._tbl.tr_lst, 1):
                cells = _row_cells(tr, item, above)
                if any(cells):
                    yield Block(" | ".join(cells), _("bảng %(table)s, dòng %(row)s") % {"table": table, "row": number}, cells)
            continue
        text = item.text.strip()
        if text:
            paragraph += 1
            for line in text.splitlines():
                if line.strip():
                    yield Block(_repair(line.strip()), _("đoạn %(paragraph)s") % {"paragraph": paragraph})


def _row_cells(tr, table, above):
    """A row's cells, each once however many columns it spans; a cell merged down from the row
    above repeats that cell's text (a lead agency merged over several tasks leads each). Read
    from the XML in one pass: python-docx's row.cells walks up every merge from every cell,
    which took seconds for a few hundred merged rows and recursed too deep past a thousand."""
    cells, column = [], 0
    for tc in tr.tc_lst:
        text = above.get(column, "") if tc.vMerge == "continue" else _repair(_Cell(tc, table).text.strip())
        span = max(1, min(tc.grid_span, 64))
        for offset in range(span):
            above[column + offset] = text
        cells.append(text)
        column += span
    return cells


def _pdf_blocks(content):
    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted and not _opens_without_password(reader):
            raise DocumentError(_("Tệp PDF được đặt mật khẩu: hãy gửi bản không mật khẩu, hoặc dán nội dung."))
        if len(reader.pages) > MAX_PAGES:
            raise DocumentError(_("Tài liệu dài quá %(count)s trang.") % {"count": MAX_PAGES})
        lines = []
        for page_number, page in enumerate(reader.pages, 1):
            page_lines = [line for line in (page.extract_text() or "").splitlines() if line.strip()]
            for number, line in enumerate(page_lines, 1):
                if re.fullmatch(r"\s*-?\s*\d{1,3}\s*-?\s*", line) and number in (1, len(page_lines)):
                    continue  # a page number
                lines.append((line, _("trang %(page)s, dòng %(line)s") % {"page": page_number, "line": number}))
    except DocumentError:
        raise
    except Exception as error:  # pypdf raises many kinds for a damaged file
        raise DocumentError(_("Tệp PDF bị hỏng, không đọc được.")) from error
    if sum(len(text.strip()) for text, _where in lines) < 20:
        raise DocumentError(
            _("Tệp PDF không có lớp chữ (bản quét, ảnh chụp): hãy gửi bản PDF có chữ, bản Word, hoặc dán nội dung.")
        )
    return _join_lines(lines)


def _opens_without_password(reader):
    """Many offices protect a PDF with an owner password only: it opens with an empty one."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # an unsupported cipher: the same as a password
        return False


MARKER = re.compile(r"^\s*(?:[-+*•–]|\d+(?:\.\d+)*[.)]|[IVXLC]+(?:\.\d+)?[.)]?\s|[a-zđ][.)]\s)")
SENTENCE_END = (".", ":", ";", "!", "?", "./.")


def _join_lines(lines):
    """A block per line; a line continuing the previous sentence joins it: the previous line
    does not end a sentence and the next starts lower-case or the previous filled the width
    (a PDF wraps long paragraphs)."""
    width = max((len(text.strip()) for text, _where in lines), default=0)
    blocks = []
    for text, where in lines:
        text = _repair(" ".join(text.split()))
        if not text:
            continue
        if blocks and _continues(blocks[-1].text, text, width):
            blocks[-1].text = f"{blocks[-1].text} {text}"
        else:
            blocks.append(Block(text, where))
    return blocks


# A line opening a new paragraph whatever the width of the one above ("Căn cứ…" under a title).
OPENER = re.compile(r"^(?:Căn cứ|Thực hiện|Theo đề nghị|Trên đây|Nơi nhận|Để |Nhằm )")
# A figure carried onto the next line ("tập huấn … / 01 lần/năm."): no outline number, a unit after it.
CARRIED_FIGURE = re.compile(r"^\d{1,6}(?:[.,]\d{1,2})?\s*(?:%|lần|đợt|[a-zđà-ỹ])")


def _continues(previous, text, width):
    if MARKER.match(text) or previous.endswith(SENTENCE_END) or OPENER.match(text) or HEADER.match(text):
        return False  # HEADER: "Cơ quan chủ trì thực hiện: …" under a heading that filled the line
    if previous.isupper() and MARKER.match(previous):  # the rest of a long heading ("2. CHỈ SỐ … Ở ĐỊA" / "PHƯƠNG")
        return text.isupper() and len(previous) >= 0.6 * width
    return text[0].islower() or CARRIED_FIGURE.match(text) is not None or len(previous) >= 0.8 * width


# Slips of PDF extraction, repaired word by word ("S Nội vụ", "tnh", "cp huyện").
DEPARTMENTS = (
    "Nội vụ|Y tế|Tài|Lao động|Văn hóa|Giáo dục|Xây dựng|Công Thương|Giao thông|Nông nghiệp|Thông tin|Tư pháp|Kế hoạch|Khoa học"
)
SLIPS = [
    (re.compile(rf"\bS ?(?=(?:{DEPARTMENTS})\b)"), "Sở "),
    (re.compile(r"\btnh\b"), "tỉnh"),
    (re.compile(r"\bcp (?=huyện|xã|tỉnh)"), "cấp "),
    (re.compile(r"\bCh (?=số|tiêu)"), "Chỉ "),
    (re.compile(r"\bch (?=số|tiêu)"), "chỉ "),
    (re.compile(r"\bngưi\b"), "người"),
]


def _repair(text):
    for pattern, replacement in SLIPS:
        text = pattern.sub(replacement, text)
    return text


# --- agency names -----------------------------------------------------------------------------

AGENCY_START = (
    r"(?:Sở|UBND|Ủy ban|Uỷ ban|UBMTTQ|MTTQ|Ban(?![,\s]+ngành)|Thanh tra|Công an|Văn phòng|Bảo hiểm|Công ty|Đài|Báo(?! cáo)"
    r"|Tòa án|Toà án|Viện|Trung tâm|Bệnh viện|Phòng(?![,\s]+chống)|Kho bạc|Cục|Chi cục|Hội(?! nghị)|Liên đoàn|Tỉnh đoàn"
    r"|Đoàn|Điện lực|Ngân hàng|Học viện|Tổ (?!chức)|HĐND|Chủ tịch|Thủ trưởng|Giám đốc|Đề nghị|đề nghị|Giao"
    r"|Công chức(?!,)|Bộ phận|Trạm|Chi nhánh|Trường(?! hợp)|Hạt|Đội(?! ngũ)"
    r"|[Cc]ác (?:[Ss]ở|cơ quan|đơn vị|tổ chức|đoàn thể|[Hh]ội|[Bb]an|ngành|[Pp]hòng|xã|huyện|UBND|Ủy ban|ngân hàng))"
)
AGENCY = re.compile(rf"^{AGENCY_START}")
# "địa phương" after a list stands alone: in a provincial plan it names the district committees.
# "Văn phòng HĐND và UBND huyện" is one office: "và" after HĐND does not start a new name.
NAME_SPLIT = re.compile(rf";|\n|(?:,\s*|(?<!HĐND)(?<!Hội đồng nhân dân)\s+và\s+)(?=(?:các\s+)?(?:{AGENCY_START}|địa phương))")
MAX_NAME_CHARS = 300
LEVELS = re.compile(
    r"^(?P<base>.+?)(?P<sep>\s(?:cấp\s)?)(?P<first>tỉnh|huyện|xã)(?P<rest>(?:\s*,\s*(?:cấp\s)?(?:tỉnh|huyện|xã))+)$"
)
PERSON_TITLE = re.compile(r"^(?:Chủ tịch|Thủ trưởng|Giám đốc|Đề nghị|đề nghị|Giao)\s+")
VERBS = (
    r"thực hiện|tham mưu|phối hợp|chủ trì|tổ chức|tăng cường|tiếp tục|chỉ đạo|hướng dẫn|theo dõi|xây dựng|triển khai"
    r"|kiểm tra|tuyên truyền|đẩy mạnh|nâng cao|rà soát|công khai|bố trí|ban hành|cung cấp|giám sát|đôn đốc|(?<![Đđ]ào\s)tạo|đưa"
    r"|chịu trách nhiệm|có trách nhiệm|căn cứ|khi|trong|để|tại|nhằm|đối với|về"
    r"|giải quyết|bảo đảm|đảm bảo|quán triệt|vận động|hỗ trợ|quản lý|duy trì|niêm yết|phổ biến|tập huấn|lồng ghép"
    r"|xử lý|nâng cấp|tiếp nhận|cải thiện|đánh giá|báo cáo|tổng hợp|thanh tra|sơ kết|tổng kết|hoàn thành|vận hành"
)
NAME_END = re.compile(rf"(?:,\s*|\s+)(?:{VERBS})\b|\.\s")
VAGUE = re.compile(r"lien quan|^(?:cac )?(?:co quan |don vi |nganh )*(?:don vi|co quan)$")


def agency_names(text):
    """The agencies a text names, one per item: split on ";", new lines, and commas or "và"
    before a new agency ("Sở Lao động, Thương binh và Xã hội" stays one); levels listed after
    one name apply to it ("Đài PT&TH tỉnh, huyện" is two); titles and requests dropped
    ("Chủ tịch UBND…", "Đề nghị Báo…")."""
    names = []
    for part in NAME_SPLIT.split(text or ""):
        part = part.strip(" .:-–+\t")
        if not part:
            continue
        stripped = PERSON_TITLE.sub("", part)
        if stripped != part and stripped[:1].islower():  # "Thủ trưởng sở, ban, ngành": the departments
            stripped = f"C{stripped[1:]}" if stripped.startswith("các ") else f"Các {stripped}"
        part = stripped.strip(" .:")
        match = LEVELS.match(part) if len(part) <= MAX_NAME_CHARS else None  # a name is short; LEVELS backtracks
        if match:
            levels = [match["first"], *re.findall(r"(tỉnh|huyện|xã)", match["rest"])]
            names.extend(f"{match['base']}{match['sep']}{level}" for level in levels)
        elif part:
            names.append(part)
    return names


def _partners(text):
    """The agencies a task's own text says it works with ("phối hợp với X, Y tham mưu…"), the
    vague ones ("các cơ quan liên quan") left out."""
    match = re.search(r"phối hợp\s+(?:cùng\s+(?:với\s+)?|với\s+)(.+)", text, re.IGNORECASE)
    if not match:
        return []
    written = NAME_END.split(match.group(1), maxsplit=1)[0]
    return [name for name in agency_names(written) if not VAGUE.search(normalise(name))]


MAX_LEADING_WORDS = 24  # "Đề nghị Ủy ban MTTQ Việt Nam xã và các đoàn thể chính trị - xã hội xã phối hợp…"


def _leading_agencies(text):
    """The agencies a line starts with before its first verb ("Sở Nội vụ phối hợp với…",
    "Đề nghị Ủy ban MTTQ tỉnh thực hiện…")."""
    end = NAME_END.search(text)
    who = text[: end.start()] if end else ""
    if AGENCY.match(who) and len(who.split()) <= MAX_LEADING_WORDS:
        return agency_names(who)
    return []


def _agency_only(text, max_words=16):
    """The names of a line that is only agencies ("- Sở Y tế:", "- UBND các huyện, thị xã."), else []."""
    who = text.strip().rstrip(".:").strip()
    if AGENCY.match(who) and len(who.split()) <= max_words and not NAME_END.search(who):
        return agency_names(who)
    return []


# --- parsing ---------------------------------------------------------------------------------

NUMBERED = re.compile(
    r"^(?:-\s*)?(?:(?P<roman>[IVXLC]+)(?:\.(?P<sub>\d+))?[.)]?|(?P<arabic>\d+(?:\.\d+)*)[.)]?|(?P<letter>[a-zđ])[.)])\s+(?P<rest>\S.*)$"
)
HEADER = re.compile(
    r"^(?:-\s*)?(?P<key>Chỉ đạo thực hiện|(?:(?:Cơ quan|Đơn vị|Bộ phận)(?:,\s*đơn vị)?\s+)?chủ trì(?: thực hiện)?"
    r"|(?:(?:Cơ quan|Đơn vị|Bộ phận)(?:,\s*đơn vị)?\s+)?phối hợp(?: thực hiện)?)"
    r"(?:,\s*gồm)?\s*:\s*(?P<value>.*)$",
    re.IGNORECASE,
)
STRUCTURAL = ("chi dao va theo doi", "nhiem vu cu the", "giai phap cu the", "nhiem vu giai phap cu the")
END = re.compile(r"^(?:Trên đây|Nơi nhận|TM\.|KT\.)")


@dataclass
class _State:
    """Where the walk through the paragraphs stands."""

    year: int = 0  # the plan's first year: a deadline without its year ("Tháng 12") is in it
    part: str = "other"  # other, goals, tasks, organisation, end
    collecting: bool = False
    prefix: str = ""  # the part's Roman number, for task numbers made up ("III.1.3")
    part_heading: str = ""
    section: str = ""
    section_number: str = ""
    ordinal: int = 0  # sections opened in the part, numbering those the document leaves unnumbered
    dimension: object = None
    sub_dimension: int | None = None
    supervisor: str = ""
    block_leads: list = field(default_factory=list)
    block_coordinating: list = field(default_factory=list)
    heading_agencies: list = field(default_factory=list)
    bullet_agencies: list = field(default_factory=list)
    last: ImportRow | None = None
    count: int = 0
    rows: list = field(default_factory=list)


def parse_document(blocks, framework, year):
    """The plan's data, targets and task rows (plan_import.ImportRow) of a document's blocks;
    framework: plan_import.Framework.of(year). Raises DocumentError when no task is found."""
    sub_names = _sub_dimension_names(framework)
    result = PlanDocument(data=_plan_data(blocks))
    state = _State(year=year)
    paragraphs = [(index, block) for index, block in enumerate(blocks) if block.cells is None]
    for position, (index, block) in enumerate(paragraphs):
        following = paragraphs[position + 1][1].text if position + 1 < len(paragraphs) else ""
        _paragraph(block, index + 1, following, state, framework, sub_names, result)
    tables = _table_rows(blocks, framework, year, result.unrecognised)
    result.rows = state.rows + tables
    result.targets = _targets(blocks, framework, result.data.years)
    _number_uniquely(tables + state.rows)  # a table's numbers are as written: they keep theirs
    if not result.rows:
        raise DocumentError(_("Không tìm thấy nhiệm vụ nào trong tài liệu."))
    return result


def _sub_dimension_names(framework):
    """{sub-dimension id: (dimension id, code, normalised name)} of the year: one query."""
    ids = list(framework.sub_dimensions.values())
    return {
        pk: (dimension_id, code, normalise(name))
        for pk, dimension_id, code, name in SubDimension.objects.filter(pk__in=ids).values_list(
            "pk", "dimension_id", "code", "name_vi"
        )
    }


def _part_of(text):
    """The part a top-level heading opens ("III. NHIỆM VỤ, GIẢI PHÁP"), or None."""
    match = re.match(r"^(?:(?P<roman>[IVXLC]+)[.)]?\s+)?(?P<rest>.+?):?$", text)
    rest = match["rest"] if match else ""
    if not match or rest != rest.upper() or sum(c.isalpha() for c in rest) < 4 or len(text) > 90:
        return None
    norm = normalise(match["rest"])
    for key, kind in (
        ("to chuc thuc hien", "organisation"),
        ("muc tieu", "goals"),
        ("nhiem vu", "tasks"),
        ("giai phap", "tasks"),
    ):
        if key in norm:
            return kind, match["roman"] or ""
    return ("other", match["roman"] or "") if match["roman"] else None


def _paragraph(block, line, following, state, framework, sub_names, result):
    text = block.text.strip()
    if END.match(text):
        state.part, state.collecting = "end", False
        return
    part = _part_of(text)
    if part and dimension_named(text, framework.dimensions, framework.by_name) is None:
        (state.part, state.prefix), state.part_heading = part, text
        state.collecting, state.ordinal = state.part in ("tasks", "organisation"), 0
        _open_section(state, text, "", None)
        return
    if state.part in ("goals", "end"):
        return
    header = HEADER.match(text)
    if header and state.collecting:
        _block_header(state, header["key"], header["value"])
        return
    if _heading(block, following, state, framework, sub_names, result):
        return
    if state.collecting and not text.startswith(("*", "(")) and not _points_to_annex(text):
        _task_line(block, line, following, state)


# "Các nhiệm vụ cụ thể tại Phụ lục kèm theo.": the tasks are in the table, the line is none.
ANNEX = re.compile(r"\b(?:phu luc|danh muc|bieu)\b[\w ]{0,40}\bkem theo\b")


def _points_to_annex(text):
    return len(text) <= 160 and ANNEX.search(normalise(text)) is not None


def _open_section(state, text, number, dimension):
    state.section, state.section_number, state.dimension = re.sub(r"^-\s*", "", text), number, dimension
    state.sub_dimension, state.supervisor = None, ""
    state.block_leads, state.block_coordinating = [], []
    state.heading_agencies, state.bullet_agencies = [], []
    state.last, state.count = None, 0


def _block_header(state, key, value):
    key = normalise(key)
    if key.startswith("chi dao"):
        state.supervisor = value.strip().rstrip(".")
    elif "chu tri" in key:
        state.block_leads = agency_names(value)
    else:
        state.block_coordinating = agency_names(value)


def _heading(block, following, state, framework, sub_names, result):
    """Whether the line heads a section (a dimension, a sub-dimension, the general direction,
    an agency of "Tổ chức thực hiện", or one left for the coordinator to map)."""
    text = block.text.strip()
    match = NUMBERED.match(text)
    rest = match["rest"] if match else text
    if match is None and (text.startswith(("-", "+", "*")) or len(text) > 100 or text.endswith((".", ";"))):
        return False
    named = dimension_named(rest, framework.dimensions, framework.by_name) if len(rest) <= 160 else None
    short = len(rest) <= 120 and not rest.endswith((";",)) and (not rest.endswith(".") or len(rest) <= 80)
    if match and match["letter"] and named is not None and named == state.dimension:
        if rest.endswith((".", ";")):
            return False  # "a) Thực hiện công khai, minh bạch các khoản thu, chi." is a task of it
        return _sub_heading(rest, following, state, sub_names, always=True)  # "b) Về thủ tục hành chính nói chung"
    number = _number_of(match)
    if named is not None and short:
        dimension = None if named == GENERAL else named
        _open_section(state, text, _section_number(state, number), dimension)
        state.collecting = state.collecting or state.part != "goals"
        state.sub_dimension = _law_and_order(rest, dimension, framework)
        return True
    if state.collecting and match is None and short and DIMENSION_HEADING.match(text):
        return _unrecognised(state, block, text, "", result)  # "Chỉ số nội dung 9: …" of no dimension of the year
    if not state.collecting or match is None:
        return False
    level_one = match["roman"] or (match["arabic"] and "." not in match["arabic"])
    if state.part == "organisation":
        return bool(level_one) and _organisation_heading(text, rest, number, state)
    if match["letter"] or not level_one:
        return _sub_heading(rest, following, state, sub_names)
    if short and not rest.endswith("."):
        return _unrecognised(state, block, text, number, result)
    return False


# A heading naming a dimension by its number, with or without the outline's own number.
DIMENSION_HEADING = re.compile(r"^(?:Chỉ số(?: nội dung)?|Nội dung)\s+\d{1,2}\b", re.IGNORECASE)


def _unrecognised(state, block, text, number, result):
    """A heading that names no dimension of the year: shown for the coordinator to map, its
    tasks kept under it (never made a task itself)."""
    result.unrecognised.append(Heading(text, block.where))
    _open_section(state, text, _section_number(state, number), None)
    return True


def _section_number(state, number):
    """The heading's own number, or its place among the part's sections when it has none
    ("Công khai, minh bạch" as the part's second heading is "2"), so tasks' numbers differ."""
    state.ordinal += 1
    return number or str(state.ordinal)


def _number_of(match):
    if match is None:
        return ""
    if match["roman"]:
        return match["roman"] + (f".{match['sub']}" if match["sub"] else "")
    return match["arabic"] or match["letter"] or ""


def _law_and_order(rest, dimension, framework):
    """ "An ninh, trật tự" names dimension 6's law-and-order sub-dimension (D6.4)."""
    if dimension is not None and "an ninh trat tu" in normalise(rest):
        return framework.sub_dimensions.get((dimension.pk, f"D{dimension.number}.4"))
    return None


def _organisation_heading(text, rest, number, state):
    """ "2. Sở Nội vụ" heads the duties of the agencies it names; "1. Sở Nội vụ: …" or "3. Đề nghị
    Ủy ban MTTQ … thực hiện …" is itself a duty, handled as a task line."""
    names = _agency_only(rest, max_words=40)
    if not names:
        _open_section(state, state.part_heading, "", None)  # an item that is itself a duty
        return False
    _open_section(state, text, number, None)
    state.heading_agencies = names
    return True


def _sub_heading(rest, following, state, sub_names, always=False):
    """a), b)… under a dimension: a sub-dimension when it names one, a structural heading
    ("Nhiệm vụ cụ thể"), one over bullets, or (`always`) one naming the dimension itself, which
    ends the sub-dimension above; else the line is a task."""
    norm = normalise(rest)
    if state.dimension is not None:
        for pk, (dimension_id, _code, name) in sub_names.items():
            if dimension_id == state.dimension.pk and name and name in norm:
                state.sub_dimension, state.bullet_agencies, state.last = pk, [], None
                return True
    if (
        always
        or any(norm.startswith(phrase) for phrase in STRUCTURAL)
        or (len(rest) <= 100 and not rest.endswith(".") and following.lstrip().startswith(("-", "+")))
    ):
        state.sub_dimension, state.bullet_agencies, state.last = None if always else state.sub_dimension, [], None
        return True
    return False


def _task_line(block, line, following, state):
    text = block.text.strip()
    plus = re.match(r"^(?:-\s*)?\+\s*(.*)$", text)
    dash = re.match(r"^[-–•]\s*(.*)$", text)
    numbered = NUMBERED.match(text)
    if dash and dash.group(1).startswith("*"):
        state.last = None  # a note ("* Ngoài nhiệm vụ nêu trên…"), not a task
    elif plus:
        _add_task(state, block, line, plus.group(1), state.bullet_agencies or state.heading_agencies)
    elif dash or numbered:
        body = dash.group(1) if dash else numbered["rest"]
        _agency_bullet(state, block, line, body, following, _number_of(numbered) if numbered and not dash else "")
    elif state.last is not None:
        _goes_on(state, text)
    else:
        _add_task(state, block, line, text, state.heading_agencies)


def _goes_on(state, text):
    """A line continuing the task above: its title grows, and its time and measure are read
    again when the first line gave none ("…hoàn thành Quý IV/" then "2022.")."""
    row = state.last
    row.values["title"] = f"{row.values['title']} {text}"
    if len(row.values["title"]) > MAX_BLOCK_CHARS:
        return  # past any task's length (an error at the checks): not read again line after line
    if not row.values["timeframe_text"]:
        row.values |= _timeframe_in_text(row.values["title"], state.year)
    if not row.values["measure"]:
        measure, value, unit, comparator = _measure_in_text(row.values["title"])
        row.values |= {"measure": measure, "measure_value": value, "measure_unit": unit}
        row.measure_comparator = comparator


def _agency_bullet(state, block, line, body, following, number):
    """ "- Sở Y tế:" (its "+" items follow), "- Công an tỉnh: Tập trung…" (a task it leads),
    "- Sở Nội vụ phối hợp với…" (a task it leads) or a bare bullet."""
    who, colon, after = body.partition(":")
    names = _agency_only(who) if colon else []
    if names and not after.strip():
        state.bullet_agencies, state.last = names, None
        return
    if names:
        _add_task(state, block, line, after.strip(), names, number)
        return
    alone = _agency_only(body)
    if alone and following.lstrip().lstrip("-").lstrip().startswith("+"):
        state.bullet_agencies, state.last = alone, None
        return
    _add_task(state, block, line, body, _leading_agencies(body) or state.heading_agencies, number)


def _add_task(state, block, line, title, leads, number=""):
    title = title.strip()
    if not title:
        return
    state.count += 1
    path = [p for p in (state.prefix, state.section_number) if p]
    number = ".".join([*path, number]) if number and path else number
    values = {
        "number": number or ".".join([*path, str(state.count)]),
        "title": title,
        "measure": "",
        "measure_unit": "",
        "measure_value": None,
        "expected_output": "",
        "supervisor": state.supervisor,
        "sub_dimension_id": state.sub_dimension,
        "due_date": None,
        **_timeframe_in_text(title, state.year),
    }
    measure, value, unit, comparator = _measure_in_text(title)
    values |= {"measure": measure, "measure_value": value, "measure_unit": unit}
    row = ImportRow(
        line, state.dimension.pk if state.dimension else None, values, list(leads), _partners(title),
        block_leads=list(state.block_leads), block_coordinating=list(state.block_coordinating),
        section=state.section, where=block.where, measure_comparator=comparator,
    )  # fmt: skip
    state.last = row
    state.rows.append(row)


def _measure_in_text(title):
    """(measure, value, unit, comparator) of a narrative task: the clause (between ";") that
    gives a figure with its unit ("tỷ lệ hồ sơ giải quyết đúng hạn đạt 98%", "01 lần/năm"),
    kept whole; none when the text gives no figure."""
    for clause in title.split(";"):
        value, unit, comparator = _measure(clause)
        if value is not None:
            return clause.strip(" .-"), value, unit, comparator
    return "", None, "", ""


# "thời gian thực hiện: Quý II/2022", "thời hạn: …": the words after the label, to the clause's end.
TIME_LABEL = re.compile(r"\b(?:thời gian(?: thực hiện| hoàn thành)?|thời hạn(?: hoàn thành)?)\s*:\s*([^;]{1,80})", re.IGNORECASE)
# A deadline a task's text names: "hoàn thành Quý IV/2022", "trong Tháng 6/2022", "trước ngày 15/12/2026".
# A bare "ngày 03/02/2017" dates a document cited, not the task: a day needs "trước".
TIME_NAMED = re.compile(
    r"(?:(?:hoàn thành|thực hiện)\s+)?(?:trong\s+|trước\s+|xong\s+)?(?:quý|tháng)\s+(?:IV|III|II|I|\d{1,2})\s*/\s*\d{4}"
    r"|(?:hoàn thành\s+)?trước\s+ngày\s+\d{1,2}/\d{1,2}(?:/\d{4})?",
    re.IGNORECASE,
)
PERIODIC = re.compile(r"\b(?:dinh ky|hang (?:quy|thang|nam)|moi (?:quy|nam))\b")
# In a task's own sentence "định kỳ" alone describes ("lịch tiếp công dân định kỳ"), and so does
# "hàng năm" inside a clause ("bảng giá đất hàng năm"): a period must follow "định kỳ", and a bare
# "hằng năm" must open the task or one of its clauses ("…; hằng năm báo cáo…"; see _punctuated).
PERIODIC_TEXT = re.compile(
    r"\bdinh ky (?:(?:hang|moi) )?(?:quy|thang|nam|\d{1,2} thang)\b|(?:^|;\s?)(?:hang|moi) (?:quy|thang|nam)\b"
)


def _timeframe_in_text(title, year):
    """A narrative task's own words on its timing, read as a table's timeframe is: after a label
    ("thời gian: Quý II/2022"), a periodic phrase ("định kỳ hàng quý", "hằng năm"), a deadline
    ("hoàn thành Quý IV/2022", "trước ngày 15/12/2026"), "thường xuyên"; or none (not stated)."""
    labelled = TIME_LABEL.search(title)
    periodic = PERIODIC_TEXT.search(_punctuated(title))
    named = TIME_NAMED.search(title)
    if labelled:
        written = labelled.group(1).strip(" .")
    elif periodic:
        written = _periodic_words(title)
    elif named:
        written = named.group(0).strip(" .")
        written = written[:1].upper() + written[1:]
    elif "thuong xuyen" in normalise(title):
        written = "Thường xuyên"
    else:
        return {"timeframe_text": "", "timeframe_kind": "", "due_date": None}
    kind, due = _timeframe(written, year)
    if due and int(due[:4]) < year:  # "Quý IV/2019" in a plan of 2020 cites the past: not the task's time
        return {"timeframe_text": "", "timeframe_kind": "", "due_date": None}
    return {"timeframe_text": written, "timeframe_kind": kind, "due_date": due}


def _punctuated(text):
    """Lower case without diacritics, each clause mark (, ; .) kept as " ; " (one normalise call)."""
    return normalise(re.sub(r"[;,.]", " qqclauseqq ", text)).replace("qqclauseqq", ";")


def _periodic_words(title):
    """The periodic phrase as written ("Định kỳ hàng quý", "hằng năm"), up to the clause's end."""
    found = re.search(
        r"(?:định kỳ(?:\s+(?:hàng|hằng|mỗi))?|hàng|hằng|mỗi)\s+(?:quý|tháng|năm|\d{1,2} tháng)", title, re.IGNORECASE
    )
    written = found.group(0) if found else "Định kỳ"
    return written[:1].upper() + written[1:]


# --- the DANH MỤC table -----------------------------------------------------------------------

# The Excel layout's column names, and the other wordings issued plans' tables use (normalised).
# "Thời gian hoàn thành" is a timeframe as written here, not the Excel column of a due date.
DOCUMENT_COLUMNS = {
    "title": ("noi dung cong viec", "noi dung nhiem vu", "ten nhiem vu", "noi dung thuc hien", "nhiem vu cu the",
              "nhiem vu giai phap cu the", "cac nhiem vu giai phap", "noi dung"),
    "leads": ("co quan chu tri thuc hien", "don vi chu tri thuc hien", "co quan don vi chu tri", "chu tri thuc hien",
              "co quan thuc hien", "don vi chu tri"),
    "coordinating": ("co quan phoi hop thuc hien", "don vi phoi hop thuc hien", "co quan don vi phoi hop",
                     "phoi hop thuc hien"),
    "timeframe_text": ("thoi gian hoan thanh", "thoi han hoan thanh", "tien do thuc hien", "tien do hoan thanh",
                       "thoi gian thuc hien hoan thanh"),
    "expected_output": ("san pham dau ra", "ket qua dau ra", "san pham hoan thanh", "hinh thuc san pham"),
    "measure": ("chi tieu ket qua", "chi tieu cu the"),
}  # fmt: skip
KNOWN_COLUMNS = {name: spec.key for spec in COLUMNS for name in spec.names} | {
    name: key for key, names in DOCUMENT_COLUMNS.items() for name in names
}


def _table_rows(blocks, framework, year, unrecognised):
    """The task rows of every table whose header row names at least STT and the task column;
    Roman section rows ("IX | Quản trị điện tử…") set the dimension of the rows below; a
    section row naming no dimension of the year is added to `unrecognised`, to map."""
    rows, columns, section, number, dimension = [], None, "", "", None
    for index, block in enumerate(blocks):
        if block.cells is None:
            continue
        found = _columns_of(block.cells) if _may_head(block.cells) else None
        if found:
            columns, section, number, dimension = found, "", "", None
            continue
        if columns is None:
            continue
        cells = {key: block.cells[i] if i < len(block.cells) else "" for key, i in columns.items()}
        heading, named = _section_of(
            cells.get("number", ""), _section_title(block.cells, cells), framework.dimensions, framework.by_name
        )
        if heading and _only_heading(block.cells):
            section, number = _section_title(block.cells, cells), cells.get("number", "").strip().rstrip(".")
            dimension = named or None
            if named is False:
                unrecognised.append(Heading(section, block.where))
            continue
        if cells.get("title"):
            rows.append(_table_row(index + 1, block, cells, section, number, dimension, year))
    return rows


def _columns_of(cells):
    """{column key: index} of a header row, or None. One normalise call for the whole row (its
    cells parted by a word normalise keeps), not one a cell: a row is read in one pass."""
    names = normalise(" qqcellqq ".join(cell if len(cell) <= MAX_HEADING_CHARS else "" for cell in cells))
    found = {}
    for i, name in enumerate(names.split("qqcellqq")):
        key = KNOWN_COLUMNS.get(name.strip())
        if key and key not in found:
            found[key] = i
    return found if "number" in found and "title" in found else None


MAX_HEADING_CHARS = 80  # a column's heading is a few words


def _may_head(cells):
    """Whether a row may be a header row, without normalising it: its number column ("STT",
    "TT", "Số thứ tự") is a short cell starting with S or T."""
    return any(0 < len(cell) <= 12 and cell[0] in "SsTt" for cell in (cell.strip() for cell in cells))


def _only_heading(cells):
    """A section row: a number and one text, the other cells empty or the same text merged."""
    texts = [c for c in cells[1:] if c]
    return bool(texts) and len(set(texts)) == 1


def _section_title(cells, by_key):
    return next((c for c in cells[1:] if c), "") or by_key.get("title", "")


def _table_row(line, block, cells, section, section_number, dimension, year):
    measure = cells.get("measure", "").strip()
    value, unit, comparator = _measure(measure)
    timeframe = cells.get("timeframe_text", "").strip().rstrip(".").strip()
    kind, due = _timeframe(timeframe, year)
    number = cells.get("number", "").strip().rstrip(".")
    values = {
        "number": f"{section_number}.{number}" if section_number and number else number,
        "title": cells["title"].strip(),
        "measure": measure,
        "measure_value": value,
        "measure_unit": unit,
        "timeframe_text": timeframe,
        "timeframe_kind": kind,
        "due_date": due,
        "expected_output": cells.get("expected_output", "").strip(),
        "supervisor": cells.get("supervisor", "").strip(),
        "sub_dimension_id": None,
    }
    return ImportRow(
        line, dimension.pk if dimension else None, values, agency_names(cells.get("leads", "")),
        agency_names(cells.get("coordinating", "")), section=section, where=block.where, measure_comparator=comparator,
    )  # fmt: skip


# Numbers start where no digit stands before them and are at most 6 digits long: a run of
# thousands of digits would otherwise be tried from each of its positions (seconds per line).
MEASURE = re.compile(
    r"(?P<word>trên|tối thiểu|ít nhất|đạt|từ)?\s*(?<![\d.,])(?P<value>\d{1,6}(?:[.,]\d{1,2})?)(?![\d])\s*"
    r"(?P<unit>%|lần\s*/\s*năm|đợt\s*/\s*năm|lần|đợt)",
    re.IGNORECASE,
)
COMPARATORS = {"trên": ">", "tối thiểu": "≥", "ít nhất": "≥", "đạt": "≥", "từ": "≥"}


def _measure(text):
    """(value, unit, comparator) of the first figure a measure gives ("Đạt trên 90%": 90, %,
    ">"); the whole text stays the measure, so a second part ("; 100% người dân…") is kept."""
    match = MEASURE.search(text or "")
    if not match:
        return None, "", ""
    value = f"{float(match['value'].replace(',', '.')):.2f}"
    unit = re.sub(r"\s+", "", match["unit"])
    return value, unit, COMPARATORS.get((match["word"] or "").lower(), "=")


FIRST_YEAR, LAST_YEAR = 2000, 2100  # a year written in a timeframe, past a slip ("Năm 20211")
QUARTER_END = {"i": (3, 31), "ii": (6, 30), "iii": (9, 30), "iv": (12, 31)}


# A document cited with its date ("Quyết định số 123/QĐ-UBND ngày 05/01/2021", "… ngày 05 tháng 01
# năm 2021"): its date is the document's, not the task's. Lengths bounded: no backtracking.
CITED_DATE = re.compile(
    r"(?<![\d/])\d{1,6}[A-Za-zĐđ]?/(?=[\w./-]{0,30}[A-Za-zĐđ])[\w./-]{1,30}[\s,]{0,3}ngày\s{1,3}\d{1,2}"
    r"(?:\s?/\s?\d{1,2}(?:\s?/\s?\d{4})?|\s{1,3}tháng\s{1,3}\d{1,2}(?:\s{1,3}năm\s{1,3}\d{4})?)",
    re.IGNORECASE,
)
# The words before a range's end or a deadline ("từ ngày 01/3 đến ngày 30/9", "chậm nhất ngày 15/12").
RANGE_END = re.compile(r"(?:đến|tới|trước|chậm nhất(?: là)?)[\s:,]{0,3}$", re.IGNORECASE)
RANGE_END_NORM = re.compile(r"(?:den|toi|truoc|cham nhat(?: la)?)\s?$")


def _end_of_range(matches, text, end):
    """The match a deadline is read from: the first after "đến", "trước", "chậm nhất"; else the first."""
    first = None
    for match in matches:
        if end.search(text[max(0, match.start() - 20) : match.start()]):
            return match
        first = first or match
    return first


def _timeframe(text, year):
    """(kind, due date) of a timeframe as written: "Quý IV/2020" and "Tháng 12" are
    deadlines, "Thường xuyên" ongoing, "định kỳ" periodic, other wording kept as it is."""
    text = CITED_DATE.sub(" ", text or "")
    norm = normalise(text)
    quarter = _end_of_range(re.finditer(r"quy (iv|iii|ii|i)\b(?:\s*(?:nam\s*)?(\d{4}))?", norm), norm, RANGE_END_NORM)
    month = _end_of_range(re.finditer(r"thang (\d{1,2})\b(?:\s*(?:nam\s*)?(\d{4}))?", norm), norm, RANGE_END_NORM)
    day = _end_of_range(re.finditer(r"ngày\s+(\d{1,2})/(\d{1,2})(?:/(\d{4}))?", text, re.IGNORECASE), text, RANGE_END)
    try:  # "Quý IV/0000" names no day: the timeframe is then kept as written, not as a deadline
        if day and not PERIODIC.search(norm):
            return "deadline", datetime.date(int(day.group(3) or year), int(day.group(2)), int(day.group(1))).isoformat()
        if quarter:
            month_day = QUARTER_END[quarter.group(1)]
            return "deadline", datetime.date(int(quarter.group(2) or year), *month_day).isoformat()
        if month and 1 <= int(month.group(1)) <= 12 and not PERIODIC.search(norm):
            when = datetime.date(int(month.group(2) or year), int(month.group(1)), 1)
            last = (when.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
            return "deadline", last.isoformat()
    except (ValueError, OverflowError):
        return "other", None
    whole_year = re.fullmatch(r"(?:trong )?nam (\d{4})", norm)
    if whole_year and FIRST_YEAR <= int(whole_year.group(1)) <= LAST_YEAR:
        return "deadline", f"{whole_year.group(1)}-12-31"  # "Năm 2021": within the year
    if not norm:
        return "", None  # not stated
    if PERIODIC.search(norm):
        return "periodic", None
    if "thuong xuyen" in norm:
        return "ongoing", None
    return "other", None


def _number_uniquely(rows):
    """Task numbers unique in the plan: a repeated one gets a letter ("III.1.3b")."""
    seen = set()
    for row in rows:
        number, suffix = row.values["number"], 0
        while row.values["number"] in seen:
            suffix += 1
            row.values["number"] = f"{number}{chr(ord('a') + suffix)}" if suffix < 26 else f"{number}.{suffix}"
        seen.add(row.values["number"])


# --- the plan's data and targets ---------------------------------------------------------------

NUMBER = re.compile(r"\bSố(?:\s*hiệu)?\s*:\s*(\d+[A-Za-zĐđ]?/[A-ZĐa-zđ0-9-]+(?:/[A-ZĐ0-9-]+)?)")
PLACE_DATE = re.compile(r"^[A-ZĐÀ-Ỹ][^,\d]{1,40},\s*ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})")
SIGNATURE_TITLE = re.compile(r"KT\.\s*CHỦ TỊCH|Q\.\s*CHỦ TỊCH|PHÓ CHỦ TỊCH|CHỦ TỊCH|PHÓ GIÁM ĐỐC|GIÁM ĐỐC")
PERSON = re.compile(r"^(?:[A-ZĐÀ-Ỹ][a-zđà-ỹ]+\s){1,4}[A-ZĐÀ-Ỹ][a-zđà-ỹ]+$")


MAX_START_LINES = 1500  # the header and the goals part stand within a plan's first pages


def _plan_data(blocks):
    texts = [line for block in blocks for line in _lines_of(block)]
    head, start = texts[:60], texts[:MAX_START_LINES]  # a hostile paste is long: each line is read once at most
    data = PlanData(title=_title(start), issuer=_issuer(head), goal=_goal(start))
    data.issuer_kind = _issuer_kind(data.issuer)
    data.document_number = next((m.group(1) for t in head if (m := NUMBER.search(t))), "")
    data.issue_date = next((_date(m) for t in head if (m := PLACE_DATE.match(t)) and len(t) < 90), None)
    data.signer_title, data.signer = _signature(texts)
    data.years = _years(data.title) or _years(" ".join(head[:20]))
    data.baseline_year = _baseline_year(start, data.years)
    return data


# "so với kết quả PAPI năm 2018"; else an aim's "tăng 02 bậc so với năm 2021" (not the past's
# "giảm 7 bậc so với năm 2017").
BASELINE = re.compile(r"so với kết quả.{0,40}?năm (\d{4})")
# "tăng … so với năm" is an aim in the goals part only: elsewhere it tells the past ("Kết quả năm
# 2020 … tăng 05 bậc so với năm 2019").
AIMED_BASELINE = re.compile(r"(?:phấn đấu|mục tiêu)[^.;]{0,120}?so với năm (\d{4})", re.IGNORECASE)
GOALS_BASELINE = re.compile(r"tăng[^.;]{0,120}?so với năm (\d{4})", re.IGNORECASE)


def _baseline_year(texts, years):
    """The year the plan compares with: before its first ("so với năm 2025" under a programme's
    aim for 2026 compares two of its own years)."""
    first = years[0] if years else 10000
    goals = _goals_part(texts)
    for pattern, lines in ((BASELINE, texts), (AIMED_BASELINE, texts), (GOALS_BASELINE, goals)):
        found = next((int(m.group(1)) for t in lines for m in pattern.finditer(t) if int(m.group(1)) < first), None)
        if found:
            return found
    return None


def _goals_part(texts):
    """The lines of the goals part ("I. MỤC ĐÍCH, YÊU CẦU, MỤC TIÊU"), up to the next part."""
    lines, inside = [], False
    for text in texts:
        part = _part_of(text)
        if part:
            inside = part[0] == "goals"
        elif inside:
            lines.append(text)
    return lines


def _lines_of(block):
    """A paragraph's text, or each line of a row's cells: the national header ("ỦY BAN NHÂN DÂN /
    XÃ …" beside "CỘNG HÒA…", "Số: …" beside "…, ngày …") and the signature are tables in Word."""
    if block.cells is None:
        return [block.text.strip()] if block.text.strip() else []
    return [line.strip() for cell in block.cells for line in cell.splitlines() if line.strip()]


def _date(match):
    try:
        return datetime.date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        return None


# The kinds of document a plan is issued as, by the word standing alone above its title.
KINDS = {"ke hoach": "Kế hoạch", "chuong trinh": "Chương trình", "chuong trinh hanh dong": "Chương trình hành động"}


def _title(texts):
    """The line under "KẾ HOẠCH" or "CHƯƠNG TRÌNH" (sentence case kept as written: "Kế hoạch
    thực hiện…")."""
    for index, text in enumerate(texts[:-1]):
        kind = KINDS.get(normalise(text)) if len(text) <= 40 else None
        if kind:
            line = texts[index + 1]
            return f"{kind.upper()} {line}" if line.isupper() else f"{kind} {line[:1].lower()}{line[1:]}"
    return ""


DEPARTMENT_LINE = re.compile(r"^(?:SỞ|BAN|THANH TRA|CÔNG AN|VĂN PHÒNG|PHÒNG|BỘ CHỈ HUY)\s+\S")


def _issuer(head):
    return _department(head[:8]) or _committee(head)


def _department(head):
    """A department's plan heads its name under the committee's ("UBND TỈNH AN GIANG" / "SỞ TƯ
    PHÁP"): "Sở Tư pháp tỉnh An Giang"."""
    for above, text in zip(head, head[1:], strict=False):
        if text.isupper() and DEPARTMENT_LINE.match(text) and ("NHÂN DÂN" in above or above.startswith("UBND")):
            place = re.search(r"(TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|THỊ XÃ)\s+(.+)$", above)
            where = f" {place.group(1).lower()} {place.group(2).title()}" if place else ""
            return f"{_agency_case(text)}{where}"
    return ""


def _agency_case(text):
    """ "SỞ LAO ĐỘNG, THƯƠNG BINH VÀ XÃ HỘI" as names are written: "Sở Lao động, Thương binh và Xã hội"."""
    words, cased, capital = text.lower().split(), [], True
    for word in words:
        cased.append(word[:1].upper() + word[1:] if capital else word)
        capital = word in ("sở", "ban", "phòng", "và") or word.endswith(",") or (len(cased) == 1)
    return " ".join(cased)


ISSUER_KINDS = (
    ("Ủy ban nhân dân tỉnh ", "province"), ("Ủy ban nhân dân huyện ", "district"), ("Ủy ban nhân dân quận ", "district"),
    ("Ủy ban nhân dân thị xã ", "district"), ("Ủy ban nhân dân xã ", "commune"), ("Ủy ban nhân dân phường ", "commune"),
    ("Ủy ban nhân dân thị trấn ", "commune"), ("Ủy ban nhân dân đặc khu ", "commune"),
)  # fmt: skip


def _issuer_kind(issuer):
    if issuer and not issuer.startswith("Ủy ban nhân dân"):
        return "department"
    return next((kind for start, kind in ISSUER_KINDS if issuer.startswith(start)), "")


def _committee(head):
    for index, text in enumerate(head):
        if re.match(r"^(?:ỦY|UỶ) BAN NHÂN DÂN\b", text) and text.isupper():
            place = text.split("NHÂN DÂN", 1)[1].strip()
            if (
                not place
                and index + 1 < len(head)
                and re.match(r"^(TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|THỊ XÃ|THỊ TRẤN|XÃ|PHƯỜNG|ĐẶC KHU)\b", head[index + 1])
            ):
                place = head[index + 1]
            level = re.match(r"^(TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|THỊ XÃ|THỊ TRẤN|XÃ|PHƯỜNG|ĐẶC KHU)\s+(.*)$", place)
            if level:
                return f"Ủy ban nhân dân {level.group(1).lower()} {level.group(2).title()}"
            return "Ủy ban nhân dân"
    return ""


def _signature(texts):
    """(title, name) of the last signature block: "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", then a name."""
    found, index = ("", ""), 0
    while index < len(texts):
        titles, end = [], index
        while end < len(texts) and texts[end].isupper() and SIGNATURE_TITLE.search(texts[end]):
            titles += SIGNATURE_TITLE.findall(texts[end])
            end += 1
        if titles:
            name = next((t for t in texts[end : end + 3] if PERSON.match(t)), "")
            found = (" / ".join(titles), name)
        index = max(end, index + 1)
    return found


def _years(text):
    period = re.search(r"giai đoạn (\d{4})\s*[-–—]\s*(\d{4})", text or "", re.IGNORECASE)
    if period:
        return int(period.group(1)), int(period.group(2))
    single = re.search(r"năm (\d{4})", text or "", re.IGNORECASE)
    return (int(single.group(1)),) * 2 if single else None


def _goal(texts):
    """The paragraphs under "Mục tiêu chung", up to the next heading."""
    for index, text in enumerate(texts):
        if len(text) <= 40 and normalise(NUMBERED.sub(r"\g<rest>", text)) == "muc tieu chung":
            goal = []
            for line in texts[index + 1 :]:
                if NUMBERED.match(line) or _part_of(line) or MARKER.match(line):
                    break
                goal.append(line)
            return "\n".join(goal)
    return ""


GROUPS = (("trung binh cao", 2), ("trung binh thap", 3), ("cao nhat", 1), ("thap nhat", 4))
SCORE = re.compile(r"(?P<word>đạt(?: từ)?|đat|trên|tối thiểu|ít nhất|từ)?\s*(?P<value>\d{1,2}[,.]\d{1,2})\s*điểm", re.IGNORECASE)
PERCENT = re.compile(
    r"(?P<word>đạt|trên|tối thiểu|ít nhất|từ)?\s*(?<![\d.,])(?P<value>\d{1,3}(?:[,.]\d{1,2})?)(?![\d])\s*%", re.IGNORECASE
)


def _targets(blocks, framework, years):
    """The targets of the sentences outside the task lists that aim ("phấn đấu…", "mục tiêu…"),
    and in the goals part those that open on their year ("Năm 2026: …", "Đến năm 2030, …")."""
    found, part = [], "other"
    for block in blocks:
        if block.cells is not None:
            continue
        part = (_part_of(block.text) or (part,))[0]
        if part in ("tasks", "organisation", "end"):
            continue
        for sentence in re.split(r"(?<=[.;])\s+", block.text):
            norm = normalise(sentence)
            if re.search(r"phan dau|muc tieu|chi tieu", norm) or (part == "goals" and YEAR_AIM.match(norm)):
                found.extend(_sentence_targets(sentence, norm, block.where, framework, years))
    return found


# A goal's line opening on its year ("- Năm 2026: …", "Đến năm 2030, …"), normalised.
YEAR_AIM = re.compile(r"^(?:den |vao |trong )?nam \d{4}\b")


def _aimed_year(sentence, years):
    """The year a sentence of a programme aims at ("Năm 2026:", "đến năm 2030", "vào năm
    2027"), its baseline ("so với năm 2025") aside; None for a plan of one year."""
    if not years or years[0] == years[1]:
        return None
    aimed = re.search(r"năm (\d{4})", re.sub(r"so với[^,;]{0,60}", "", sentence), re.IGNORECASE)
    year = int(aimed.group(1)) if aimed else None
    return year if year and years[0] <= year <= years[1] else None


def _sentence_targets(sentence, norm, where, framework, years):
    named = dimension_named(sentence.split(":")[0], framework.dimensions, framework.by_name)
    number = named.number if named not in (None, GENERAL) else None
    year = _aimed_year(sentence, years)
    target = lambda kind, comparator, value: Target(number, None, kind, comparator, value, sentence.strip(), where, year)  # noqa: E731
    found = []
    for match in SCORE.finditer(sentence):
        found.append(target("score", _comparator(match["word"]), match["value"].replace(".", ",")))
    rank = re.search(r"(?:top|tốp|nhóm)\s*(\d{1,2})(?:\s*/\s*63)?\b", sentence, re.IGNORECASE)
    up = re.search(r"tăng (?:ít nhất |tối thiểu )?(\d{1,2}) bậc", sentence, re.IGNORECASE)
    if rank:
        found.append(target("rank", "≤", str(int(rank.group(1)))))
    if up:
        found.append(target("rank", "up", str(int(up.group(1)))))
    # "nhóm 20/63 tỉnh đạt điểm cao nhất" is a place; "vào top 20 và thuộc nhóm cao nhất" both.
    in_group = "nhom" in norm and not (rank and rank.group(0).lower().startswith("nhóm"))
    named = next(((name, g) for name, g in GROUPS if name in norm), None) if in_group else None
    if named:  # "trở lên" of the group's own words ("đạt từ 43,5 điểm trở lên, thuộc nhóm trung bình cao": as stated)
        name, group = named
        found.append(target("group", "≤" if f"{name} tro len" in norm or group == 1 else "=", str(group)))
    for match in PERCENT.finditer(sentence):
        found.append(target("percent", _comparator(match["word"]), match["value"]))
    return found


def _comparator(word):
    word = (word or "").lower()
    return ">" if word == "trên" else "≥" if word else "="
