"""The resume on the application page as page images: PDF pages rendered by pdfium, images
downscaled, DOCX as text; served only to the job's company, revalidated by ETag."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image

from applications import previews
from applications.tests.factories import make_application
from resumes.models import Resume
from resumes.tests import documents
from resumes.tests.factories import make_resume

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(client, recruiter):
    client.force_login(recruiter)
    return client


def apply_with(candidate, acme, job, **resume):
    make_resume(owner=candidate, is_primary=True, **resume)
    return make_application(company=acme, candidate=candidate, job=job)


def page_url(application, page: int) -> str:
    return reverse("applications:resume_page", args=[application.pk, page])


def test_a_long_pdf_shows_its_first_five_pages_as_images(alice, candidate, acme, job):
    pdf = documents.one_column_pdf(documents.SAMPLE_LINES, pages=7)
    application = apply_with(candidate, acme, job, data=pdf, page_count=7)
    response = alice.get(reverse("applications:detail", args=[application.pk]))
    html = response.content.decode()
    for page in range(1, 6):
        assert f'<img src="{page_url(application, page)}" alt="Resume page {page}"' in html
    assert page_url(application, 6) not in html
    assert "The first 5 of 7 pages" in html
    # The policy that forbids framing allows our own images.
    assert "img-src 'self'" in response["Content-Security-Policy"]

    image = alice.get(page_url(application, 5))
    assert image.status_code == 200
    assert (image["Content-Type"], image["Cache-Control"]) == ("image/png", "private, no-cache")
    with Image.open(io.BytesIO(image.content)) as png:
        assert png.format == "PNG"
        # A US Letter page at 110 dpi: 935 x 1210 pixels.
        assert png.size == (935, 1210)
        assert png.convert("L").getextrema()[0] < 100  # there is dark text on it
    assert alice.get(page_url(application, 6)).status_code == 404
    assert alice.get(page_url(application, 0)).status_code == 404


def test_an_unchanged_page_is_a_304_without_rendering(alice, application):
    first = alice.get(page_url(application, 1))
    again = alice.get(page_url(application, 1), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"] == previews.etag(application.resume, 1)


def test_a_large_photo_is_downscaled_and_stays_a_jpeg(alice, candidate, acme, job):
    photo = documents.text_image(documents.SAMPLE_LINES * 6, fmt="JPEG", size=60)
    application = apply_with(candidate, acme, job, data=photo, kind=Resume.Kind.JPEG)
    response = alice.get(page_url(application, 1))
    assert response["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(response.content)) as jpeg:
        assert jpeg.width <= previews.MAX_WIDTH and jpeg.height <= previews.MAX_HEIGHT
        assert max(jpeg.size) == previews.MAX_HEIGHT  # fitted, not shrunk further
    assert len(response.content) < len(photo)


def test_a_phone_photo_taken_sideways_stands_upright_and_fits(alice, candidate, acme, job):
    stored = Image.new("RGB", (4000, 3000), "white")  # landscape as stored by the sensor
    stored.paste((0, 0, 0), (0, 0, 400, 3000))  # a dark band along the stored left edge
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to view"
    out = io.BytesIO()
    stored.save(out, format="JPEG", exif=exif)
    application = apply_with(candidate, acme, job, data=out.getvalue(), kind=Resume.Kind.JPEG)
    with Image.open(io.BytesIO(alice.get(page_url(application, 1)).content)) as jpeg:
        assert jpeg.size == (1100, 1467)  # portrait, within 1100 x 1600
        grey = jpeg.convert("L")
        assert grey.getpixel((550, 20)) < 60  # the band is now along the top
        assert grey.getpixel((550, 1400)) > 200


def test_each_frame_of_a_multipage_tiff_is_a_page(alice, candidate, acme, job):
    frames = [Image.new("L", (800, 1000), shade) for shade in (255, 40)]
    out = io.BytesIO()
    frames[0].save(out, format="TIFF", save_all=True, append_images=frames[1:])
    application = apply_with(
        candidate, acme, job, data=out.getvalue(), kind=Resume.Kind.TIFF, page_count=2
    )
    second = alice.get(page_url(application, 2))
    with Image.open(io.BytesIO(second.content)) as png:
        assert png.format == "PNG" and png.size == (800, 1000)
        assert png.getextrema() == (40, 40)  # the second frame, not the first


def test_a_docx_keeps_the_text_view(alice, candidate, acme, job):
    application = apply_with(
        candidate, acme, job, data=documents.make_docx(), kind=Resume.Kind.DOCX,
        text="Curriculum Vitae - Zoë\nPython",
    )  # fmt: skip
    html = alice.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert 'data-testid="resume-pages"' not in html
    assert "Preview (extracted text)" in html and "Curriculum Vitae - Zoë" in html
    assert alice.get(page_url(application, 1)).status_code == 404


def test_an_unreadable_pdf_is_a_404_not_an_error(alice, candidate, acme, job):
    application = apply_with(candidate, acme, job, data=b"%PDF-1.7 this is not a pdf")
    assert alice.get(page_url(application, 1)).status_code == 404


def test_another_companys_recruiter_and_the_candidate_get_no_page(client, application,
                                                                   other_recruiter):  # fmt: skip
    client.force_login(other_recruiter)
    assert client.get(page_url(application, 1)).status_code == 404
    client.force_login(application.candidate)
    assert client.get(page_url(application, 1)).status_code == 403
