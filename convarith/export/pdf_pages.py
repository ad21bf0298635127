"""A PDF of pictures, one a page, written as the pages come: only the page
being drawn is in memory, however many there are.

Each page is its picture's size at its resolution, the picture stored as
JPEG (DCTDecode), as Pillow's own PDF writer stores an RGB image.  Neither
library writes pages as they come: Pillow's PDF writer takes a list of every
page, and pypdf's writer keeps every page's objects until it writes the file,
so a storyboard of a thousand pages would be held whole by either.
"""

from __future__ import annotations

import io


class _Objects:
    """Numbered objects written to `fp`, with their offsets for the xref."""

    def __init__(self, fp):
        self.fp, self.offsets, self.written = fp, {}, 0

    def raw(self, data: bytes) -> None:
        self.fp.write(data)
        self.written += len(data)

    def add(self, number: int, body: bytes, stream: bytes | None = None) -> None:
        self.offsets[number] = self.written
        self.raw(b"%d 0 obj\n" % number + body)
        if stream is not None:
            self.raw(b"\nstream\n")
            self.raw(stream)
            self.raw(b"\nendstream")
        self.raw(b"\nendobj\n")


def write_picture_pdf(fp, pictures, dpi: float) -> int:
    """Write each PIL RGB picture of `pictures` (any iterable) as a page of
    a PDF to the binary file `fp`, at `dpi`; the number of pages."""
    objects = _Objects(fp)
    objects.raw(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    kids = []
    for index, picture in enumerate(pictures):
        image, content, page = 3 + 3 * index, 4 + 3 * index, 5 + 3 * index
        jpeg = io.BytesIO()
        picture.convert("RGB").save(jpeg, format="JPEG")
        data = jpeg.getvalue()
        del jpeg
        width, height = picture.size
        objects.add(image, b"<< /Type /XObject /Subtype /Image /Width %d /Height %d "
                    b"/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode "
                    b"/Length %d >>" % (width, height, len(data)), data)
        del data
        points = (f"{width * 72 / dpi:.4f}".encode(), f"{height * 72 / dpi:.4f}".encode())
        draw = b"q %s 0 0 %s 0 0 cm /Im0 Do Q" % points
        objects.add(content, b"<< /Length %d >>" % len(draw), draw)
        objects.add(page, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %s %s] /Resources "
                    b"<< /XObject << /Im0 %d 0 R >> /ProcSet [/PDF /ImageC] >> "
                    b"/Contents %d 0 R >>" % (*points, image, content))
        kids.append(page)
    objects.add(1, b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.add(2, b"<< /Type /Pages /Kids [%s] /Count %d >>"
                % (b" ".join(b"%d 0 R" % kid for kid in kids), len(kids)))
    count = max(objects.offsets) + 1
    xref = objects.written
    objects.raw(b"xref\n0 %d\n0000000000 65535 f \n" % count)
    for number in range(1, count):
        objects.raw(b"%010d 00000 n \n" % objects.offsets[number])
    objects.raw(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
                % (count, xref))
    return len(kids)
