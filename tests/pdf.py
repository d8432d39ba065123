"""Reading produced PDFs back with poppler-utils (installed by scripts/system-deps.sh)."""

import subprocess


def pdf_text(content, tmp_path, *pages):
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    args = ["pdftotext", "-layout"] + (["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []) + [str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def pdf_info(content, tmp_path, tool):
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return subprocess.run([tool, str(path)], capture_output=True, text=True, check=True).stdout


def page_sizes(content, tmp_path):
    path = tmp_path / "sizes.pdf"
    path.write_bytes(content)
    pages = int(
        next(line for line in pdf_info(content, tmp_path, "pdfinfo").splitlines() if line.startswith("Pages:")).split()[1]
    )
    out = subprocess.run(["pdfinfo", "-f", "1", "-l", str(pages), str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("Page") and "size" in line]
