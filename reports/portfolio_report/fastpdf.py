"""Long tables written straight into the PDF, for the appendix that lists every project.

WeasyPrint lays out a table row in about 10 ms here: 100,000 projects would take a quarter
of an hour. The appendix needs no layout engine: every row is one line of fixed columns.
These pages are drawn with pydyf (WeasyPrint's own PDF writer) into the document WeasyPrint
writes, through its ``finisher`` hook: text is set in Noto Sans CJK TC (embedded as a subset
of the glyphs used, with a ToUnicode map so the text can be searched and copied), long cells
are cut to their column with an ellipsis, and each page repeats the column headings and
carries on the page numbers of the pages before it.
"""

import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO

import pydyf
from fontTools import subset
from fontTools.ttLib import TTFont

FONT_FAMILY = "Noto Sans CJK TC"
FALLBACK_FONT = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 3)
ELLIPSIS = "…"
PT_PER_MM = 72 / 25.4


class FontMissing(RuntimeError):
    pass


@lru_cache(maxsize=1)
def font_location() -> tuple[str, int]:
    """The installed Noto Sans CJK TC: file and index in its collection (fontconfig knows)."""
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}\n%{index}\n%{family}", FONT_FAMILY],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.split("\n")
        if FONT_FAMILY in found[2]:
            return found[0], int(found[1])
    except (OSError, subprocess.SubprocessError, IndexError, ValueError):
        pass
    raise FontMissing(f"The font {FONT_FAMILY} is not installed (Debian package fonts-noto-cjk).")


class CjkFont:
    """Glyph ids (CIDs), advance widths and the subset to embed, for the characters used."""

    def __init__(self):
        path, index = font_location()
        self.path, self.index = path, index
        self.font = TTFont(path, fontNumber=index, lazy=True)
        self.cmap = self.font.getBestCmap()
        self.units = self.font["head"].unitsPerEm
        self.metrics = self.font["hmtx"].metrics
        self.postscript_name = self.font["name"].getDebugName(6) or "NotoSansCJKtc-Regular"
        self.used: dict[int, tuple[str, str]] = {}  # cid -> (glyph name, character)
        self._glyphs: dict[str, tuple[int, int]] = {}  # character -> (cid, advance)
        self._advance: dict[str, int] = {}
        self._hex: dict[str, str] = {}
        notdef = self.font.getGlyphOrder()[0]
        self._notdef = (0, self.metrics[notdef][0])

    def glyph(self, char: str) -> tuple[int, int]:
        known = self._glyphs.get(char)
        if known is not None:
            return known
        name = self.cmap.get(ord(char))
        if name is None:
            glyph = self._notdef
        else:
            cid = int(name[3:]) if name.startswith("cid") else self.font.getGlyphID(name)
            glyph = (cid, self.metrics[name][0])
            self.used[cid] = (name, char)
        self._glyphs[char] = glyph
        self._advance[char] = glyph[1]
        self._hex[char] = f"{glyph[0]:04x}"
        return glyph

    def _learn(self, text: str) -> None:
        for char in set(text).difference(self._advance):
            self.glyph(char)

    def width(self, text: str, size: float) -> float:
        self._learn(text)
        return sum(map(self._advance.__getitem__, text)) * size / self.units

    def fit(self, text: str, size: float, width: float) -> str:
        """The text, cut with an ellipsis where it would pass ``width`` points."""
        self._learn(text)
        limit = width * self.units / size
        advances = list(map(self._advance.__getitem__, text))
        if sum(advances) <= limit:
            return text
        room = limit - self.glyph(ELLIPSIS)[1]
        total = 0
        for position, advance in enumerate(advances):
            total += advance
            if total > room:
                return text[:position] + ELLIPSIS
        return text

    def encode(self, text: str) -> bytes:
        self._learn(text)
        return ("<" + "".join(map(self._hex.__getitem__, text)) + ">").encode()

    def subset_cff(self) -> bytes:
        """The CFF font program with only the glyphs used (CIDs kept, so page content stays valid)."""
        font = TTFont(self.path, fontNumber=self.index)
        options = subset.Options()
        options.notdef_outline = True
        options.name_IDs = ["*"]
        options.layout_features = []
        subsetter = subset.Subsetter(options)
        subsetter.populate(glyphs=[".notdef", *(name for name, _char in self.used.values())])
        subsetter.subset(font)
        buffer = BytesIO()
        font["CFF "].cff.compile(buffer, font)
        return buffer.getvalue()

    def pdf_font(self, pdf: pydyf.PDF) -> pydyf.Dictionary:
        """The Type 0 font dictionary (added to ``pdf``), once every page has been drawn."""
        program = pydyf.Stream([self.subset_cff()], {"Subtype": "/CIDFontType0C"}, compress=True)
        pdf.add_object(program)
        head = self.font["head"]
        scale = 1000 / self.units
        descriptor = pydyf.Dictionary(
            {
                "Type": "/FontDescriptor",
                "FontName": f"/TRKAPX+{self.postscript_name}",
                "Flags": 4,
                "FontBBox": pydyf.Array([round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)]),
                "ItalicAngle": 0,
                "Ascent": round(self.font["hhea"].ascent * scale),
                "Descent": round(self.font["hhea"].descent * scale),
                "CapHeight": 733,
                "StemV": 80,
                "FontFile3": program.reference,
            }
        )
        pdf.add_object(descriptor)
        widths = pydyf.Array()
        for cid in sorted(self.used):
            name = self.used[cid][0]
            widths.extend([cid, pydyf.Array([round(self.metrics[name][0] * scale)])])
        cid_font = pydyf.Dictionary(
            {
                "Type": "/Font",
                "Subtype": "/CIDFontType0",
                "BaseFont": f"/TRKAPX+{self.postscript_name}",
                "CIDSystemInfo": pydyf.Dictionary(
                    {"Registry": pydyf.String("Adobe"), "Ordering": pydyf.String("Identity"), "Supplement": 0}
                ),
                "FontDescriptor": descriptor.reference,
                "DW": 1000,
                "W": widths,
            }
        )
        pdf.add_object(cid_font)
        to_unicode = pydyf.Stream([self._to_unicode_cmap()], compress=True)
        pdf.add_object(to_unicode)
        font = pydyf.Dictionary(
            {
                "Type": "/Font",
                "Subtype": "/Type0",
                "BaseFont": f"/TRKAPX+{self.postscript_name}",
                "Encoding": "/Identity-H",
                "DescendantFonts": pydyf.Array([cid_font.reference]),
                "ToUnicode": to_unicode.reference,
            }
        )
        pdf.add_object(font)
        return font

    def _to_unicode_cmap(self) -> bytes:
        entries = sorted((cid, char) for cid, (_name, char) in self.used.items())
        lines = [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
            "/CMapName /Adobe-Identity-UCS def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            "<0000> <FFFF>",
            "endcodespacerange",
        ]
        for start in range(0, len(entries), 100):
            block = entries[start : start + 100]
            lines.append(f"{len(block)} beginbfchar")
            for cid, char in block:
                utf16 = char.encode("utf-16-be").hex()
                lines.append(f"<{cid:04x}> <{utf16}>")
            lines.append("endbfchar")
        lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
        return "\n".join(lines).encode()


@dataclass(frozen=True)
class FastColumn:
    label: str
    width: float  # points
    align_right: bool = False


@dataclass(frozen=True)
class PageStyle:
    width: float = 297 * PT_PER_MM  # A4 landscape
    height: float = 210 * PT_PER_MM
    margin: float = 15 * PT_PER_MM
    font_size: float = 7.5
    heading_size: float = 10
    line_height: float = 11.5
    padding: float = 3

    @property
    def rows_per_page(self) -> int:
        usable = self.height - 2 * self.margin - 2 * self.heading_size - 2 * self.line_height - 14
        return int(usable // self.line_height)


def _pdf_text(x: float, y: float, size: float, encoded: bytes, font_name: str = "/TrkAppendix") -> bytes:
    return b"BT %s %.2f Tf %.2f %.2f Td %s Tj ET\n" % (font_name.encode(), size, x, y, encoded)


def append_table_pages(
    pdf: pydyf.PDF,
    *,
    title: str,
    columns: list[FastColumn],
    rows: Iterable[tuple[str, ...]],
    first_page_number: int,
    page_label: str,
    style: PageStyle | None = None,
    progress=None,
) -> int:
    """Draw ``rows`` (strings) as table pages at the end of ``pdf``; returns the number of pages.

    ``page_label`` is a %-format with ``%(number)s`` for the page footer, in the report's
    language. ``progress(rows_done)`` is called after each page.
    """
    style = style or PageStyle()
    font = CjkFont()
    font_ref_holder = pydyf.Dictionary()  # filled with the font once all glyphs are known
    pdf.add_object(font_ref_holder)
    resources = pydyf.Dictionary({"Font": font_ref_holder.reference})
    pdf.add_object(resources)

    page_objects = []
    page_number = first_page_number
    done = 0
    left = style.margin
    top = style.height - style.margin
    table_width = sum(column.width for column in columns)
    heading = font.encode(title)
    headers = [font.fit(column.label, style.font_size, column.width - 2 * style.padding) for column in columns]
    batch: list[tuple] = []
    # Most cells repeat (B/D, stage, tier, dates): each distinct one is measured and encoded once.
    cells: dict[tuple[int, str], tuple[bytes, float]] = {}

    def cell(index: int, column: FastColumn, value: str) -> tuple[bytes, float]:
        key = (index, value)
        found = cells.get(key)
        if found is None:
            text = font.fit(value, style.font_size, column.width - 2 * style.padding)
            offset = (
                column.width - style.padding - font.width(text, style.font_size)
                if column.align_right
                else style.padding
            )
            found = (font.encode(text), offset)
            if len(cells) < 50_000:
                cells[key] = found
        return found

    def draw(page_rows: list[tuple], number: int) -> None:
        parts = [b"0 0 0 rg\n", _pdf_text(left, top - style.heading_size, style.heading_size, heading)]
        y = top - style.heading_size - style.line_height - 6
        # The column headings on a grey band.
        parts.append(
            b"0.9 0.93 0.95 rg %.2f %.2f %.2f %.2f re f 0 0 0 rg\n" % (left, y - 3, table_width, style.line_height + 1)
        )
        x = left
        for column, label in zip(columns, headers, strict=True):
            parts.append(_pdf_text(x + style.padding, y, style.font_size, font.encode(label)))
            x += column.width
        for index, row in enumerate(page_rows):
            y -= style.line_height
            if index % 2:
                parts.append(
                    b"0.96 0.97 0.98 rg %.2f %.2f %.2f %.2f re f 0 0 0 rg\n"
                    % (left, y - 3, table_width, style.line_height)
                )
            x = left
            for index, (column, value) in enumerate(zip(columns, row, strict=True)):
                if value:
                    encoded, offset = cell(index, column, value)
                    parts.append(_pdf_text(x + offset, y, style.font_size, encoded))
                x += column.width
        footer = font.encode(page_label % {"number": number})
        footer_width = font.width(page_label % {"number": number}, style.font_size)
        parts.append(
            _pdf_text(left + table_width - footer_width, style.margin - style.line_height, style.font_size, footer)
        )
        content = pydyf.Stream([b"".join(parts)], compress=True)
        pdf.add_object(content)
        page = pydyf.Dictionary(
            {
                "Type": "/Page",
                "Parent": pdf.pages.reference,
                "MediaBox": pydyf.Array([0, 0, round(style.width, 2), round(style.height, 2)]),
                "Contents": content.reference,
                "Resources": resources.reference,
            }
        )
        pdf.add_page(page)
        page_objects.append(page)

    per_page = style.rows_per_page
    for row in rows:
        batch.append(row)
        if len(batch) == per_page:
            draw(batch, page_number)
            done += len(batch)
            page_number += 1
            batch = []
            if progress:
                progress(done)
    if batch or not page_objects:
        draw(batch, page_number)
        done += len(batch)
        if progress:
            progress(done)
    font_ref_holder["TrkAppendix"] = font.pdf_font(pdf).reference
    return len(page_objects)
