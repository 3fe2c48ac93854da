"""Reading files into pages: every accepted format, EXIF orientation, and hostile files."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from intake import (
    TEXT_LAYER,
    CorruptFileError,
    EncryptedPdfError,
    IntakeError,
    ReadLimits,
    TooLargeError,
    UnreadableFileError,
    read_document,
)
from synthetic import jpeg_bytes, png_bytes, scanned_pdf_bytes, text_pdf_bytes, tiff_bytes
from synthetic._pdf import assemble, blank_pdf, encrypted_pdf


def _page(width: int = 300, height: int = 200) -> Image.Image:
    """A white page with a black bar along its left edge (to tell which way is up)."""
    page = Image.new("RGB", (width, height), "white")
    ImageDraw.Draw(page).rectangle((0, 0, 19, height - 1), fill="black")
    return page


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _read_all(path: Path, limits: ReadLimits | None = None) -> list[Image.Image]:
    read = read_document(path, limits=limits or ReadLimits())
    return [page.image() for page in read.pages]


def _png_header(width: int, height: int) -> bytes:
    """A PNG that declares width × height pixels but holds almost no data."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


# --- accepted formats ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "media_type"),
    [
        ("scan.jpg", jpeg_bytes(_page()), "image/jpeg"),
        ("scan.png", png_bytes(_page()), "image/png"),
    ],
)
def test_single_images_read_as_one_page(
    tmp_path: Path, name: str, data: bytes, media_type: str
) -> None:
    read = read_document(_write(tmp_path, name, data))
    assert read.media_type == media_type
    assert [(page.number, page.width, page.height) for page in read.pages] == [(1, 300, 200)]
    image = read.pages[0].image()
    assert (image.mode, image.size) == ("RGB", (300, 200))
    assert read.pages[0].text_layer is None


def test_multi_page_tiff_reads_every_page(tmp_path: Path) -> None:
    path = _write(tmp_path, "scan.tif", tiff_bytes([_page(), _page(200, 100), _page()]))
    read = read_document(path, "image/tiff")
    assert [(page.width, page.height) for page in read.pages] == [
        (300, 200),
        (200, 100),
        (300, 200),
    ]
    assert read.pages[1].image().size == (200, 100)


@pytest.mark.parametrize(
    ("orientation", "bar_corner"),
    [(1, (5, 100)), (3, (295, 100)), (6, (100, 5)), (8, (100, 295))],
)
def test_exif_orientation_is_applied(
    tmp_path: Path, orientation: int, bar_corner: tuple[int, int]
) -> None:
    exif = Image.Exif()
    exif[0x0112] = orientation
    buffer = io.BytesIO()
    _page().save(buffer, format="JPEG", exif=exif.tobytes())
    read = read_document(_write(tmp_path, "phone.jpg", buffer.getvalue()))
    page = read.pages[0]
    image = page.image()
    assert image.size == (page.width, page.height)
    expected = (300, 200) if orientation in (1, 3) else (200, 300)
    assert image.size == expected
    assert image.getpixel(bar_corner) == (0, 0, 0) or sum(image.getpixel(bar_corner)) < 60  # type: ignore[arg-type]


def test_scanned_pdf_pages_are_rendered_without_text_layer(tmp_path: Path) -> None:
    path = _write(tmp_path, "scan.pdf", scanned_pdf_bytes([_page(1654, 2339), _page(1654, 2339)]))
    read = read_document(path, "application/pdf")
    assert len(read.pages) == 2
    assert all(page.text_layer is None for page in read.pages)
    image = read.pages[1].image()
    assert image.size == (read.pages[1].width, read.pages[1].height)
    assert abs(image.width - 1654) <= 2


def test_text_layer_pdf_gives_its_text_with_boxes_in_page_pixels(tmp_path: Path) -> None:
    texts = [
        "供用电合同\n合同编号：GYD202311010877016\n供电人：国网北京市海淀区供电公司",
        "第二页的正文内容",
    ]
    read = read_document(_write(tmp_path, "born-digital.pdf", text_pdf_bytes(texts)))
    layers = [page.text_layer for page in read.pages]
    assert all(layer is not None and layer.source == TEXT_LAYER for layer in layers)
    first = layers[0]
    assert first is not None
    assert first.text.splitlines() == texts[0].splitlines()
    assert first.confidence == 1.0
    assert (first.width, first.height) == (read.pages[0].width, read.pages[0].height)
    assert all(0 <= line.box[0] < line.box[2] <= first.width for line in first.lines)
    assert first.lines[0].box[1] < first.lines[1].box[1]
    assert read.pages[0].image().size == (first.width, first.height)


def test_huge_pdf_page_is_rendered_smaller_not_refused(tmp_path: Path) -> None:
    poster = assemble(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 14400 14400] >>",
        ]
    )
    limits = ReadLimits(max_page_pixels=1_000_000)
    read = read_document(_write(tmp_path, "poster.pdf", poster), limits=limits)
    page = read.pages[0]
    assert page.width * page.height <= limits.max_page_pixels
    assert page.image().size == (page.width, page.height)


# --- hostile files ------------------------------------------------------------------------


@pytest.mark.parametrize("side", [40_000, 60_000])
def test_png_declaring_billions_of_pixels_is_refused_before_decoding(
    tmp_path: Path, side: int
) -> None:
    path = _write(tmp_path, "bomb.png", _png_header(side, side))
    with pytest.raises(TooLargeError, match=r"bomb\.png") as caught:
        read_document(path, "image/png")
    assert "DPI" in str(caught.value)


def test_image_over_the_page_pixel_limit_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "big.png", _png_header(5000, 5000))
    with pytest.raises(TooLargeError, match=r"5000×5000 pixels"):
        read_document(path, limits=ReadLimits(max_page_pixels=10_000_000))


def test_zip_renamed_jpg_is_refused_naming_what_it_is(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("scan.jpg", b"not really")
    path = _write(tmp_path, "scan.jpg", buffer.getvalue())
    with pytest.raises(
        UnreadableFileError, match=r"ZIP archive.*accepted are PDF, JPEG, PNG or TIFF"
    ):
        read_document(path, "image/jpeg")


@pytest.mark.parametrize(
    ("name", "data"), [("empty.pdf", b""), ("noise.bin", bytes(range(256)) * 8)]
)
def test_empty_and_random_files_are_refused(tmp_path: Path, name: str, data: bytes) -> None:
    with pytest.raises(UnreadableFileError, match=name):
        read_document(_write(tmp_path, name, data))


def test_declared_type_must_match_the_bytes(tmp_path: Path) -> None:
    path = _write(tmp_path, "scan.pdf", png_bytes(_page()))
    with pytest.raises(
        CorruptFileError, match=r"declared application/pdf but its bytes are image/png"
    ):
        read_document(path, "application/pdf")


def test_truncated_pdf_fails_with_a_message(tmp_path: Path) -> None:
    data = scanned_pdf_bytes([_page(800, 1100)])
    path = _write(tmp_path, "cut.pdf", data[: len(data) // 2])
    with pytest.raises(CorruptFileError, match=r"cut\.pdf.*(damaged|not a readable PDF)"):
        _read_all(path)


def test_truncated_jpeg_fails_when_decoded(tmp_path: Path) -> None:
    data = jpeg_bytes(_page(800, 1100))
    path = _write(tmp_path, "cut.jpg", data[: len(data) // 2])
    with pytest.raises(CorruptFileError, match=r"cut.jpg is damaged or truncated"):
        _read_all(path)


def test_encrypted_pdf_is_refused_naming_the_fix(tmp_path: Path) -> None:
    path = _write(tmp_path, "locked.pdf", encrypted_pdf())
    with pytest.raises(
        EncryptedPdfError, match=r"locked\.pdf is an encrypted PDF.*without a password"
    ):
        read_document(path)


def test_corrupt_tiff_fails_with_a_message(tmp_path: Path) -> None:
    data = bytearray(tiff_bytes([_page()]))
    data[8:] = bytes(len(data) - 8)
    path = _write(tmp_path, "broken.tif", bytes(data))
    with pytest.raises(IntakeError, match=r"broken\.tif"):
        _read_all(path)


def test_pdf_with_too_many_pages_is_refused_before_rendering(tmp_path: Path) -> None:
    path = _write(tmp_path, "thousand.pdf", blank_pdf(1000))
    with pytest.raises(TooLargeError, match=r"1000 pages, more than the 300 accepted"):
        read_document(path)


def test_tiff_with_too_many_pages_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "many.tif", tiff_bytes([_page(20, 20)] * 4))
    with pytest.raises(TooLargeError, match=r"4 pages, more than the 3 accepted"):
        read_document(path, limits=ReadLimits(max_pages=3))


def test_pdf_page_embedding_a_giant_image_is_refused_before_rendering(tmp_path: Path) -> None:
    path = _write(tmp_path, "giant.pdf", scanned_pdf_bytes([_page(2000, 1500)]))
    with pytest.raises(TooLargeError, match=r"page 1 of giant\.pdf embeds images of 3,000,000"):
        read_document(path, limits=ReadLimits(max_pdf_image_pixels=2_000_000))
