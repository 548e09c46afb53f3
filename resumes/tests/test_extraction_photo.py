"""Phone photos of printed resumes: a page rendered, keystoned onto a dark desk, shaded,
blurred and JPEG-compressed at test time, then read by the local extractor."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from resumes.extraction.local import LocalTextExtractor
from resumes.extraction.photo import find_page, perspective_coefficients, straighten

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
PAGE_LINES = [
    ("Marta Kowalczyk", 44, BOLD),
    ("Backend Engineer - Warsaw, Poland", 26, FONT),
    ("marta.kowalczyk@example.test", 26, FONT),
    ("Experience", 32, BOLD),
    ("Senior Engineer at Northwind Traders", 26, FONT),
    ("March 2019 to Present", 26, FONT),
    ("Built payment services in Python and Go", 26, FONT),
    ("Education", 32, BOLD),
    ("Warsaw University of Technology", 26, FONT),
    ("Skills: Python, PostgreSQL, Kubernetes", 26, FONT),
]
# Where the page's corners land in the photo (top-left, top-right, bottom-right, bottom-left).
CORNERS = np.array([(300.0, 190.0), (1250.0, 110.0), (1470.0, 1930.0), (70.0, 1850.0)])


def rendered_page() -> Image.Image:
    page = Image.new("L", (1275, 1650), 255)  # US Letter at 150 dpi
    draw = ImageDraw.Draw(page)
    y = 110
    for text, size, font in PAGE_LINES:
        draw.text((110, y), text, fill=0, font=ImageFont.truetype(font, size))
        y += int(size * 2.1)
    return page


def phone_photo(page: Image.Image) -> bytes:
    """The page photographed at an angle on a dark desk, under uneven light."""
    width, height = 1540, 2000
    target = np.array([(0, 0), (page.width, 0), (page.width, page.height), (0, page.height)])
    # Pillow maps output pixels back to input ones: from the photo to the page.
    data = perspective_coefficients(target.astype(np.float64), CORNERS)
    mask = Image.new("L", page.size, 255).transform(
        (width, height), Image.Transform.PERSPECTIVE, data, resample=Image.Resampling.BILINEAR
    )
    warped = page.transform(
        (width, height), Image.Transform.PERSPECTIVE, data, resample=Image.Resampling.BICUBIC
    )
    desk = Image.new("L", (width, height), 45)
    photo = Image.composite(warped, desk, mask)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    light = 0.55 + 0.4 * (1 - xs / width) * (1 - 0.5 * ys / height)  # a lamp at the top left
    pixels = np.asarray(photo, dtype=np.float32) * light
    pixels += np.random.default_rng(3).normal(0, 4, pixels.shape)
    photo = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).filter(
        ImageFilter.GaussianBlur(1.1)
    )
    out = io.BytesIO()
    photo.convert("RGB").save(out, format="JPEG", quality=70)
    return out.getvalue()


def test_it_finds_the_corners_of_a_photographed_page():
    photo = Image.open(io.BytesIO(phone_photo(rendered_page())))
    corners = find_page(photo)
    assert corners is not None
    assert np.abs(corners - CORNERS).max() < 12  # pixels, in a 1540 x 2000 photo


def test_a_scan_that_fills_the_frame_is_left_alone():
    page = rendered_page()
    assert find_page(page) is None
    assert straighten(page) is page


def test_it_straightens_and_reads_a_phone_photo():
    result = LocalTextExtractor().extract(data=phone_photo(rendered_page()), kind="jpeg")
    lines = result.text.splitlines()
    assert result.ocr_used
    for text, _size, _font in PAGE_LINES:
        assert text in lines
    assert result.ocr_confidence is not None and result.ocr_confidence > 85


@pytest.mark.parametrize("blank", [255, 200])
def test_an_empty_page_photo_reads_as_nothing_quickly(blank):
    """Paper noise is not stretched into blotches that Tesseract tries to read."""
    page = Image.new("L", (1275, 1650), blank)
    result = LocalTextExtractor().extract(data=phone_photo(page), kind="jpeg")
    assert result.text.strip() == ""
