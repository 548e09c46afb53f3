"""Real documents generated at test time: PDFs, DOCX files, images, and hostile inputs."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

# (x, y, text, size): y counts from the bottom of a US Letter page (612 x 792 points).
TextRun = tuple[float, float, str, float]


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def make_pdf(pages: Sequence[Sequence[TextRun]], *, declared_pages: int | None = None) -> bytes:
    """A minimal, valid PDF with Helvetica text runs (WinAnsi, so Latin accents work)."""
    objects: list[bytes] = []
    page_ids = []
    first_page = 4
    for index, runs in enumerate(pages):
        content = b"".join(
            b"BT /F1 %.1f Tf %.1f %.1f Td (%s) Tj ET\n" % (size, x, y, _escape(text))
            for x, y, text, size in runs
        )
        page_id = first_page + index * 2
        page_ids.append(page_id)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (page_id + 1)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
    kids = b" ".join(b"%d 0 R" % pid for pid in page_ids)
    count = declared_pages if declared_pages is not None else len(pages)
    header = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    all_objects = header + objects
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(all_objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(all_objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(all_objects) + 1, xref)
    )
    return out.getvalue()


LEFT_COLUMN = [
    "CONTACT",
    "Zoë Müller-Ångström",
    "zoe@example.test",
    "Lisbon, Portugal",
    "SKILLS",
    "Python",
    "PostgreSQL",
    "Kubernetes",
]
RIGHT_COLUMN = [
    "EXPERIENCE",
    "Senior Engineer, Acme Robotics",
    "Jan 2020 - Present",
    "Built the data platform for robot telemetry.",
    "Engineer, Globex",
    "2016-03 - 12/2019",
    "Maintained billing services in Django.",
    "EDUCATION",
]


def two_column_pdf() -> bytes:
    """A header across the page, then two columns whose lines sit on the same baselines."""
    runs: list[TextRun] = [(72, 740, "Zoë Müller-Ångström - Data Engineer", 16)]
    for row, (left, right) in enumerate(zip(LEFT_COLUMN, RIGHT_COLUMN, strict=True)):
        y = 700 - row * 16
        runs.append((72, y, left, 10))
        runs.append((250, y, right, 10))
    runs.append((72, 540, "References available on request, for every position listed above.", 10))
    return make_pdf([runs])


def one_column_pdf(lines: Sequence[str], *, pages: int = 1) -> bytes:
    page_runs = []
    for page in range(pages):
        runs = [(72, 740 - i * 14, line, 11) for i, line in enumerate(lines)]
        runs.append((72, 60, f"Page {page + 1}", 9))
        page_runs.append(runs)
    return make_pdf(page_runs)


SAMPLE_LINES = [
    "Carol Candidate",
    "carol@example.test | +1 415 555 0100 | San Francisco, USA",
    "Summary",
    "Backend engineer who builds data pipelines in Python and Django.",
    "Experience",
    "Senior Engineer, Acme Robotics    Jan 2020 - Present",
    "Built the telemetry platform with Python, PostgreSQL and Kafka.",
    "Engineer, Globex    2016-03 - 12/2019",
    "Education",
    "BSc Computer Science, University of Lisbon, 2012 - 2016",
    "Skills",
    "Python, Django, PostgreSQL, Docker, Kubernetes",
]


def sample_pdf() -> bytes:
    return one_column_pdf(SAMPLE_LINES)


def make_docx(*, with_table: bool = True, header: str = "Curriculum Vitae - Zoë") -> bytes:
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = header
    document.sections[0].footer.paragraphs[0].text = "zoe@example.test · +351 912 345 678"
    document.add_heading("Zoë Müller", level=1)
    document.add_paragraph("Data engineer in Lisbon, Portugal.")
    document.add_heading("Experience", level=2)
    if with_table:
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).text = "Acme Robotics"
        table.cell(0, 1).text = "Jan 2020 - Present"
        table.cell(1, 0).text = "Globex"
        table.cell(1, 1).text = "2016-03 - 12/2019"
    document.add_heading("Skills", level=2)
    document.add_paragraph("Python, Kubernetes, PostgreSQL")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def rewrite_zip(data: bytes, *, add: dict[str, bytes] | None = None, replace=None) -> bytes:
    """A copy of the zip `data` with entries added or rewritten."""
    add = add or {}
    replace = replace or {}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename in replace:
                body = replace[item.filename](body)
            target.writestr(item.filename, body)
        for name, body in add.items():
            target.writestr(name, body)
    return out.getvalue()


def zip_bomb_docx() -> bytes:
    return rewrite_zip(make_docx(), add={"word/media/padding.xml": b"<a>" + b"0" * 60_000_000})


def macro_docx() -> bytes:
    """A .docm (macro-enabled) saved under a .docx name."""
    return rewrite_zip(
        make_docx(),
        add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 fake VBA project"},
        replace={
            "[Content_Types].xml": lambda body: body.replace(
                b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
            )
        },
    )


def billion_laughs_docx() -> bytes:
    bomb = (
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>"
    )
    return rewrite_zip(make_docx(), replace={"word/document.xml": lambda body: bomb})


def nested_archive_docx() -> bytes:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("payload.txt", "hello")
    return rewrite_zip(make_docx(), add={"word/embeddings/thing.bin": inner.getvalue()})


def huge_png_header(width: int = 50_000, height: int = 50_000) -> bytes:
    """A PNG that declares 50k x 50k pixels (its pixel data never decodes)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\0" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def text_image(
    lines: Sequence[str],
    *,
    rotate: float = 0,
    size: int = 36,
    fmt: str = "PNG",
    noise: bool = False,
    shadow: bool = False,
) -> bytes:
    """Lines rendered with DejaVu Sans on white, optionally rotated (degrees, CCW)."""
    font = ImageFont.truetype(str(FONT_DIR / "DejaVuSans.ttf"), size)
    width = 1700
    height = 160 + len(lines) * int(size * 1.6)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((80, 80 + i * int(size * 1.6)), line, fill=0, font=font)
    if noise:
        import random

        rng = random.Random(7)
        pixels = image.load()
        for _ in range(width * height // 200):
            pixels[rng.randrange(width), rng.randrange(height)] = rng.randrange(0, 256)
    if shadow:
        # A phone photo's lighting: bright at the top left, a dim corner at the bottom right.
        import numpy as np

        ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
        light = 1.0 - 0.6 * (xs / width + ys / height) / 2
        image = Image.fromarray((np.asarray(image, dtype=np.float32) * light).astype(np.uint8))
    if rotate:
        image = image.rotate(rotate, expand=True, fillcolor=255, resample=Image.Resampling.BICUBIC)
    out = io.BytesIO()
    image.convert("RGB" if fmt == "JPEG" else "L").save(out, format=fmt)
    return out.getvalue()


def scanned_pdf(lines: Sequence[str], *, rotate: float = 0) -> bytes:
    """An image-only PDF (no text layer), like a scanner makes."""
    png = text_image(lines, rotate=rotate, size=30)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="PDF", resolution=200)
    return out.getvalue()


def concatenate_pdfs(*parts: bytes) -> bytes:
    import pypdfium2 as pdfium

    merged = pdfium.PdfDocument.new()
    for part in parts:
        merged.import_pages(pdfium.PdfDocument(part))
    out = io.BytesIO()
    merged.save(out)
    return out.getvalue()


_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)


def encrypted_pdf(user_password: bytes = b"secret") -> bytes:
    """A PDF that needs a password to open (standard security handler, RC4 40-bit, R2)."""
    import hashlib

    padded = (user_password + _PAD)[:32]
    owner = _rc4(hashlib.md5(padded).digest()[:5], padded)  # MD5 and RC4: the PDF format's own
    permissions = (-4).to_bytes(4, "little", signed=True)
    file_id = b"0123456789abcdef"
    key = hashlib.md5(padded + owner + permissions + file_id).digest()[:5]
    user = _rc4(key, _PAD)
    content = b"BT /F1 12 Tf 72 700 Td (Secret resume) Tj ET"
    object_key = hashlib.md5(key + (5).to_bytes(3, "little") + b"\0\0").digest()[:10]
    stream = _rc4(object_key, content)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -4 >>"
        % (owner.hex().encode(), user.hex().encode()),
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 6 0 R /ID [<%s> <%s>] >>\n"
        % (len(objects) + 1, file_id.hex().encode(), file_id.hex().encode())
        + b"startxref\n%d\n%%%%EOF\n" % xref
    )
    return out.getvalue()


def sidebar_resume_image() -> bytes:
    """A photo-like page: a sidebar, a main column, and right-aligned dates on entry lines."""
    font = ImageFont.truetype(str(FONT_DIR / "DejaVuSans.ttf"), 30)
    bold = ImageFont.truetype(str(FONT_DIR / "DejaVuSans-Bold.ttf"), 32)
    image = Image.new("L", (1700, 1100), 255)
    draw = ImageDraw.Draw(image)
    sidebar = ["Contact", "Lisbon, Portugal", "Skills", "Python", "Kubernetes", "PostgreSQL"]
    for i, text in enumerate(sidebar):
        draw.text((80, 120 + i * 110), text, fill=0, font=font)
    entries = [
        ("Acme Robotics", "Senior Engineer", "05/2019 - 08/2021"),
        ("Globex Corporation", "Data Engineer", "03/2016 - 04/2019"),
        ("Initech", "Junior Developer", "01/2014 - 02/2016"),
    ]
    for i, (company, title, dates) in enumerate(entries):
        y = 120 + i * 220
        draw.text((560, y), company, fill=0, font=bold)
        draw.text((560, y + 50), title, fill=0, font=font)
        width = draw.textlength(dates, font=font)
        draw.text((1620 - width, y - 6), dates, fill=0, font=font)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
