"""Uploads of each kind, made here so the tests need no binary fixtures."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from PIL import Image

PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"


def pdf(name="bien-ban.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def png(name="anh-hop-dan.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def xlsx(name="so-lieu.xlsx"):
    buffer = io.BytesIO()
    book = Workbook()
    book.active["A1"] = "Số hộ nghèo"
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def docx(name="bao-cao.docx"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        # The entries in the order Word writes them: libmagic recognises a document by it.
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>',
        )
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="x"><w:body/></w:document>')
    return SimpleUploadedFile(name, buffer.getvalue())


def executable(name="bao-cao.pdf"):
    """An ELF program renamed to look like a PDF."""
    return SimpleUploadedFile(name, b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200, content_type="application/pdf")


def huge_pdf(name="qua-lon.pdf"):
    return SimpleUploadedFile(name, PDF + b" " * (10 * 1024 * 1024), content_type="application/pdf")
