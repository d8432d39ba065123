"""Files the app hands over: one way to answer with an attachment."""

from django.http import HttpResponse

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(content, filename, content_type):
    """A download of bytes made in this request (exports, PDFs); the name is ASCII (slugified by the caller)."""
    return HttpResponse(content, content_type=content_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
