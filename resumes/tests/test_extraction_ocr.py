"""The OCR's fast paths on real images: the numpy median filter against Pillow's, and one
Tesseract per process (tesserocr) reading page after page."""

from __future__ import annotations

import io
import threading

import numpy as np
from PIL import Image, ImageFilter

from resumes.extraction import ocr
from resumes.tests import documents

LINES = ["Carol Candidate", "Senior Engineer at Acme Robotics", "January 2020 to Present"]


def page(lines: list[str], **options) -> Image.Image:
    return Image.open(io.BytesIO(documents.text_image(lines, **options))).convert("L")


def test_the_median_filter_matches_pillows_pixel_for_pixel():
    rng = np.random.default_rng(3)
    speckled = page(LINES, noise=True, shadow=True)
    images = [
        speckled,
        Image.fromarray(rng.integers(0, 256, (37, 53), dtype=np.uint8)),  # odd sizes, edges
        Image.fromarray((rng.integers(0, 4, (64, 48)) * 85).astype(np.uint8)),  # ties
        Image.new("L", (1, 5), 200),
    ]
    for image in images:
        expected = np.asarray(image.filter(ImageFilter.MedianFilter(3)))
        assert np.array_equal(np.asarray(ocr.median3(image)), expected)


def test_one_tesseract_reads_page_after_page_without_mixing_them():
    first = ocr.ocr_image(page(LINES))
    blank = ocr.ocr_image(Image.new("L", (1700, 400), 255))
    other = ocr.ocr_image(page(["Zoe Example", "Data Engineer, Globex"]))
    again = ocr.ocr_image(page(LINES))
    assert "Senior Engineer at Acme Robotics" in first.text
    assert blank.text == "" and blank.words == 0
    assert "Data Engineer, Globex" in other.text and "Acme" not in other.text
    assert (again.text, again.words) == (first.text, first.words)
    # The model was loaded once for this thread, not once per page.
    assert ocr._tesseract_api("eng") is ocr._tesseract_api("eng")


def test_each_thread_gets_its_own_tesseract():
    apis: list[object] = []
    texts: list[str] = []

    def read() -> None:
        apis.append(ocr._tesseract_api("eng"))
        texts.append(ocr.ocr_image(page(LINES)).text)

    threads = [threading.Thread(target=read) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert apis[0] is not apis[1]
    assert texts[0] == texts[1] and "January 2020 to Present" in texts[0]


def test_the_osd_model_turns_a_sideways_page_upright():
    sideways = page(documents.SAMPLE_LINES, rotate=90)
    assert ocr.detect_rotation(sideways) == 90
    assert ocr.detect_rotation(page(documents.SAMPLE_LINES)) == 0
