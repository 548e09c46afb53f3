"""Amazon Textract for scans and photos; text-layer PDFs and DOCX are read locally.

Textract's synchronous DetectDocumentText takes an image or a one-page document; a multi-page
PDF goes through S3 and the asynchronous StartDocumentTextDetection job.
"""

from __future__ import annotations

import io
import time
import uuid
from typing import Any

import pypdfium2 as pdfium
from botocore.exceptions import BotoCoreError, ClientError

from config import aws
from resumes.extraction.base import ExtractedText, ExtractionError, TransientExtractionError
from resumes.extraction.local import MIN_PAGE_CHARS, docx_text, has_large_image
from resumes.extraction.pdf_layout import page_text

SYNC_MAX_BYTES = 5 * 1024 * 1024  # DetectDocumentText's own limit for inline bytes


class TextractExtractor:
    engine = "textract"

    def __init__(
        self,
        *,
        bucket: str,
        region_name: str = "us-east-1",
        endpoint_url: str | None = None,
        s3_endpoint_url: str | None = None,
        prefix: str = "textract-input/",
        poll_interval: float = 1.0,
        timeout: float = 240.0,
    ) -> None:
        self.textract = aws.client("textract", region=region_name, endpoint_url=endpoint_url)
        self.s3 = aws.client("s3", region=region_name, endpoint_url=s3_endpoint_url or endpoint_url)
        self.bucket = bucket
        self.prefix = prefix
        self.poll_interval = poll_interval
        self.timeout = timeout

    def extract(self, *, data: bytes, kind: str) -> ExtractedText:
        if kind == "docx":
            return ExtractedText(text=docx_text(data), engine="docx", pages=1)
        if kind == "pdf":
            pages, scanned = _pdf_text_layer(data)
            if not scanned:
                return ExtractedText(
                    text="\n\n".join(pages).strip(), engine="pdfium", pages=len(pages)
                )
            if len(pages) > 1 or len(data) > SYNC_MAX_BYTES:
                return self._call(lambda: self._detect_async(data), pages=len(pages))
            return self._call(lambda: self._detect_sync(data), pages=1)
        if kind == "heic":
            data, kind = _heic_to_jpeg(data), "jpeg"
        if kind not in ("png", "jpeg", "tiff"):
            raise ExtractionError(f"No text extractor for {kind!r} files.", code="unsupported_kind")
        if len(data) > SYNC_MAX_BYTES:
            raise ExtractionError(
                "The image is over 5 MB; upload a smaller photo or a PDF.", code="too_large"
            )
        return self._call(lambda: self._detect_sync(data), pages=1)

    def _call(self, detect: Any, *, pages: int) -> ExtractedText:
        try:
            blocks = detect()
        except (ClientError, BotoCoreError) as exc:
            if aws.is_transient(exc):
                raise TransientExtractionError(f"Textract: {aws.error_code(exc) or exc}") from exc
            message = exc.response.get("Error", {}).get("Message", "")  # a ClientError
            raise ExtractionError(
                f"Textract could not read the document ({aws.error_code(exc)}: {message})."
            ) from exc
        lines = [b for b in blocks if b.get("BlockType") == "LINE" and b.get("Text")]
        confidences = [float(b["Confidence"]) for b in lines if "Confidence" in b]
        by_page: dict[int, list[str]] = {}
        for block in lines:
            by_page.setdefault(int(block.get("Page", 1)), []).append(block["Text"])
        text = "\n\n".join("\n".join(by_page[page]) for page in sorted(by_page))
        return ExtractedText(
            text=text.strip(),
            engine="textract",
            pages=max(pages, max(by_page, default=1)),
            ocr_used=True,
            ocr_confidence=round(sum(confidences) / len(confidences), 1) if confidences else None,
        )

    def _detect_sync(self, data: bytes) -> list[dict[str, Any]]:
        response = self.textract.detect_document_text(Document={"Bytes": data})
        return response.get("Blocks", [])

    def _detect_async(self, data: bytes) -> list[dict[str, Any]]:
        key = f"{self.prefix}{uuid.uuid4().hex}.pdf"
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=data)
        try:
            job = self.textract.start_document_text_detection(
                DocumentLocation={"S3Object": {"Bucket": self.bucket, "Name": key}}
            )
            return self._collect(job["JobId"])
        finally:
            self.s3.delete_object(Bucket=self.bucket, Key=key)

    def _collect(self, job_id: str) -> list[dict[str, Any]]:
        deadline = time.monotonic() + self.timeout
        blocks: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            kwargs: dict[str, Any] = {"JobId": job_id}
            if token:
                kwargs["NextToken"] = token
            response = self.textract.get_document_text_detection(**kwargs)
            status = response.get("JobStatus")
            if status == "IN_PROGRESS":
                if time.monotonic() > deadline:
                    raise TransientExtractionError("Textract did not finish in time.")
                time.sleep(self.poll_interval)
                continue
            if status == "FAILED":
                raise ExtractionError(
                    f"Textract could not read the document: {response.get('StatusMessage', '')}"
                )
            blocks.extend(response.get("Blocks", []))
            token = response.get("NextToken")
            if not token:
                return blocks


def _pdf_text_layer(data: bytes) -> tuple[list[str], bool]:
    """The text layer of each page, and whether any page is a scan (needs OCR)."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise ExtractionError(
            "The PDF is damaged and cannot be read.", code="damaged_file"
        ) from exc
    try:
        texts, scanned = [], False
        for index in range(len(pdf)):
            page = pdf[index]
            texts.append(page_text(page))
            if len(texts[-1].strip()) < MIN_PAGE_CHARS and has_large_image(page):
                scanned = True
        return texts, scanned
    finally:
        pdf.close()


def _heic_to_jpeg(data: bytes) -> bytes:
    from PIL import Image
    from pillow_heif import register_heif_opener

    register_heif_opener()
    out = io.BytesIO()
    Image.open(io.BytesIO(data)).convert("RGB").save(out, format="JPEG", quality=90)
    return out.getvalue()
