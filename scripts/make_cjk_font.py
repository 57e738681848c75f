"""Make the Chinese font shipped with the package, so that a chart has Chinese on any machine.

    apt-get install fonts-noto-cjk && pip install fonttools
    python scripts/make_cjk_font.py

Cuts Noto Sans CJK SC Regular (SIL Open Font License 1.1) down to the characters a Chinese plan
uses: all of GB2312 (its 6,763 hanzi and its punctuation, full-width forms, numbers and symbols),
ASCII and Latin-1, general punctuation, CJK symbols and punctuation, and the full-width forms.
Then it converts the outlines from cubic (CFF) to quadratic (TrueType): matplotlib embeds a CFF
font in a PDF under a TrueType font type (pdf.fonttype 42), a mismatch that viewers may reject.
It writes `scheduler/export/fonts/`:

- `NotoSansCJKsc-GB2312.ttf`, renamed "Noto Sans CJK SC GB2312": the OFL asks that a modified
  font be told apart from its original, and matplotlib then never takes it for the full font;
- `OFL.txt`: the font's copyright and the licence, which must travel with every copy.

fontTools is needed here only, not at run time. The output is the same bytes on every run.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SOURCE_LICENCE = Path("/usr/share/doc/fonts-noto-cjk/copyright")
SOURCE_FAMILY = "Noto Sans CJK SC"
OUT = Path(__file__).resolve().parent.parent / "scheduler" / "export" / "fonts"
FONT_FILE = "NotoSansCJKsc-GB2312.ttf"
FAMILY = "Noto Sans CJK SC GB2312"
POSTSCRIPT_NAME = "NotoSansCJKscGB2312-Regular"
# Upstream's LICENSE reserves the name "Source" (Source Han Sans is the same design), which this
# font's name does not use.
RESERVED_NAME = "with Reserved Font Name 'Source'"
# Font units (of 1,000 an em) a quadratic curve may stray from the cubic one: invisible at any
# size a chart is printed, and it keeps the file small.
MAX_ERROR = 1.0

RANGES = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1: ·, ×, ÷, °
    (0x2010, 0x205E),  # general punctuation: — … ‰ ※
    (0x2100, 0x218F),  # letter-like symbols and number forms: ℃ № Ⅻ
    (0x2460, 0x24FF),  # enclosed numbers: ① ⑴ ⒈
    (0x3000, 0x303F),  # CJK symbols and punctuation: 。「」【】〇
    (0xFF00, 0xFFEF),  # full-width forms: （）：，０-９
)


def plan_characters() -> set[str]:
    """Every character of GB2312 and of `RANGES`."""
    return gb2312(range(0xA1, 0xF8)) | {
        chr(code) for first, last in RANGES for code in range(first, last + 1)
    }


def gb2312(rows: range) -> set[str]:
    """The characters of GB2312's `rows` (0xA1–0xA9 punctuation, full-width forms, numbers and
    symbols; 0xB0–0xF7 the 6,763 hanzi), each row of cells 0xA1–0xFE."""
    characters = set()
    for row in rows:
        for cell in range(0xA1, 0xFF):
            try:
                characters.add(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                continue  # a cell GB2312 leaves empty
    return characters


def source_face(path: Path, family: str) -> TTFont:
    """The face of `family` in a font collection (.ttc) or a font file, its timestamp kept."""
    if path.suffix.lower() not in (".ttc", ".otc"):
        return TTFont(path, recalcTimestamp=False)
    for index, face in enumerate(TTCollection(path).fonts):
        if face["name"].getDebugName(1) == family:
            return TTFont(path, fontNumber=index, recalcTimestamp=False)
    raise SystemExit(f"{path} has no face {family!r}")


def cut(font: TTFont, characters: set[str]) -> None:
    """Keep the glyphs of `characters` only, and no layout, hinting or vertical tables: matplotlib
    lays out text one glyph after another, horizontally."""
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.drop_tables += ["BASE", "GDEF", "GPOS", "GSUB", "VORG", "vhea", "vmtx"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(character) for character in characters))
    subsetter.subset(font)


def to_truetype(font: TTFont) -> None:
    """Replace the CFF outlines by TrueType ones, as fontTools' otf2ttf snippet does."""
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        # CFF winds outer contours anticlockwise, TrueType clockwise.
        glyphs[name].draw(Cu2QuPen(pen, MAX_ERROR, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    del font["CFF "]
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                  "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                  "maxComponentElements"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["maxp"] = maxp
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def rename(font: TTFont, source_version: str) -> None:
    """Name the font "Noto Sans CJK SC GB2312", and say in it what it was made from."""
    names = font["name"]
    for name_id in (16, 17):  # typographic family and style: the plain ones say it all
        names.removeNames(nameID=name_id)
    for name_id, text in (
        (1, FAMILY),
        (2, "Regular"),
        (3, f"{POSTSCRIPT_NAME};{source_version}"),
        (4, FAMILY),
        (6, POSTSCRIPT_NAME),
        (10, f"Noto Sans CJK SC Regular ({source_version}) cut to GB2312 and converted to "
             "TrueType outlines by the schedule package's scripts/make_cjk_font.py."),
    ):
        names.setName(text, name_id, 3, 1, 0x409)


def licence_text(font: TTFont, debian_copyright: Path) -> str:
    """The font's copyright notice and the OFL 1.1, as Debian's copyright file holds it."""
    text = debian_copyright.read_text(encoding="utf-8")
    match = re.search(r"^License: SIL-1\.1\n((?: .*\n)+)", text, flags=re.MULTILINE)
    if match is None:
        raise SystemExit(f"{debian_copyright} has no SIL-1.1 licence text")
    body = "\n".join("" if line == " ." else line[1:] for line in match.group(1).splitlines())
    notice = font["name"].getDebugName(0).rstrip(".")
    return (f"{FONT_FILE} is Noto Sans CJK SC Regular, cut to GB2312 and converted to TrueType\n"
            f"outlines (scripts/make_cjk_font.py), under the licence below.\n\n"
            f"Copyright {notice}, {RESERVED_NAME}.\n\n{body.strip()}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE,
                        help="Noto Sans CJK Regular, a .ttc collection or the SC .otf")
    parser.add_argument("--licence", type=Path, default=SOURCE_LICENCE,
                        help="Debian's copyright file of fonts-noto-cjk (holds the OFL text)")
    parser.add_argument("--out", type=Path, default=OUT)
    arguments = parser.parse_args()

    font = source_face(arguments.source, SOURCE_FAMILY)
    source_version = font["name"].getDebugName(5).split(";")[0]
    characters = plan_characters()
    cut(font, characters)
    missing = gb2312(range(0xB0, 0xF8)) - {chr(code) for code in font.getBestCmap()}
    if missing:
        raise SystemExit(f"{arguments.source} lacks {len(missing)} hanzi of GB2312")
    to_truetype(font)
    rename(font, source_version)

    arguments.out.mkdir(parents=True, exist_ok=True)
    path = arguments.out / FONT_FILE
    font.save(path)
    (arguments.out / "OFL.txt").write_text(licence_text(font, arguments.licence),
                                           encoding="utf-8")
    drawn = len(characters & {chr(code) for code in font.getBestCmap()})
    print(f"wrote {path}: {path.stat().st_size:,} bytes, {len(font.getGlyphOrder()):,} glyphs "
          f"for {drawn:,} characters")


if __name__ == "__main__":
    main()
