"""A streaming XLSX writer for the findings export: text cells, a bold header row, column
widths, the header frozen, an auto filter; several sheets.

openpyxl's write-only mode still makes a Cell object and an lxml element per value: ~4 s for
the ~425,000 cells of a 20,000-page run's export, a third of the report. Here each row is one
string of SpreadsheetML written into the zip member as it comes (memory stays flat). Cells are
inline strings, never formulas (a crawled "=..." stays text); characters XML 1.0 cannot hold
are dropped and texts cut at Excel's 32,767 characters. openpyxl reads these files
(`export.read_findings`, the tests) as it reads its own.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_MAX_CELL = 32767
_ENTITIES = {"\r": "&#13;"}  # a bare CR would be read back as LF


def column_letter(n: int) -> str:
    """1 -> A, 27 -> AA."""
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _cell(ref: str, text: str, style: str = "") -> str:
    if not text:
        return ""
    text = _ILLEGAL.sub("", text)[:_MAX_CELL]
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{escape(text, _ENTITIES)}</t></is></c>'


def _sheet(zf: zipfile.ZipFile, name: str, header: list[str], widths: list[float], rows: Iterable[list[str]]) -> None:
    letters = [column_letter(i) for i in range(1, len(header) + 1)]
    cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, start=1))
    with zf.open(name, "w") as raw:
        write = raw.write
        write((f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}">'
               '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft"'
               ' state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
               f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>').encode())
        write(('<row r="1">' + "".join(_cell(f"{c}1", h, ' s="1"') for c, h in zip(letters, header, strict=True))
               + "</row>").encode())
        n = 1
        for row in rows:
            n += 1
            write((f'<row r="{n}">' + "".join(_cell(f"{c}{n}", v) for c, v in zip(letters, row, strict=True))
                   + "</row>").encode())
        write(f'</sheetData><autoFilter ref="A1:{letters[-1]}{n}"/></worksheet>'.encode())


_STYLES = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{_MAIN}">'
           '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
           '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
           '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
           '</fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
           '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
           '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
           '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
           '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


def write_workbook(path: str | Path, sheets: list[tuple[str, list[str], list[float], Iterable[list[str]]]]) -> Path:
    """Write `sheets` — (title, header, column widths, rows of texts) — as an XLSX file."""
    path = Path(path)
    n = len(sheets)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                      'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                      for i in range(1, n + 1)) + "</Types>"))
        zf.writestr("_rels/.rels", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        zf.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
            "<sheets>" + "".join(f'<sheet name={quoteattr(title)} sheetId="{i}" r:id="rId{i}"/>'
                                 for i, (title, *_) in enumerate(sheets, start=1)) + "</sheets></workbook>"))
        zf.writestr("xl/_rels/workbook.xml.rels", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL}">'
            + "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                      for i in range(1, n + 1))
            + f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'))
        zf.writestr("xl/styles.xml", _STYLES)
        for i, (_, header, widths, rows) in enumerate(sheets, start=1):
            _sheet(zf, f"xl/worksheets/sheet{i}.xml", header, widths, rows)
    return path
