"""Finding a font that draws Chinese, for every chart and document the exports render.

Matplotlib's default font (DejaVu Sans) has no Chinese glyphs: without a CJK font every project
name becomes a row of empty boxes. An installed CJK font is used first, as it draws every hanzi;
else the one shipped in `fonts/` (Noto Sans CJK SC cut to GB2312's 6,763 hanzi, SIL OFL 1.1,
made by scripts/make_cjk_font.py), so that `pip install` alone gives charts in Chinese. Writers
call `find_cjk_font()`, draw with `chart_families()`, and fall back to ids and English labels when
it returns None (the shipped file removed).
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Iterable
from pathlib import Path

from matplotlib import font_manager, ft2font

# Simplified-Chinese faces first (their glyph shapes are the ones mainland readers expect), then
# the other regional variants of the same families, which still hold every hanzi.
PREFERRED_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
    "Noto Sans CJK",
    "Source Han Sans",
    "Noto Sans CJK TC",
    "Noto Sans CJK JP",
    "Noto Sans CJK KR",
    "Noto Sans CJK HK",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "AR PL UKai CN",
    "AR PL UMing CN",
    "SimSun",
    "Droid Sans Fallback",
)
# Parts of font file names that betray a CJK font, lower case.
FILE_NAME_HINTS = ("cjk", "wqy", "sourcehan", "simhei", "simsun", "msyh", "droidsansfallback")

SHIPPED_FONT = Path(__file__).with_name("fonts") / "NotoSansCJKsc-GB2312.ttf"
# Not "Noto Sans CJK SC": matplotlib must never take the cut font for the full one.
SHIPPED_FAMILY = "Noto Sans CJK SC GB2312"
# Draws the Latin letters and symbols a CJK font lacks; matplotlib ships it.
LATIN_FAMILY = "DejaVu Sans"

_PROBE = "中文培训"


@functools.cache
def find_cjk_font() -> str | None:
    """The family name of the font that draws a chart's Chinese: an installed CJK font, else the
    one shipped with the package; None when there is neither. The answer is cached."""
    return _installed_cjk_font() or _shipped_font()


def chart_families(family: str) -> list[str]:
    """The font families for a chart whose Chinese `family` draws, in order: matplotlib (3.6 on)
    draws each character in the first family that has it, so a hanzi an installed font lacks
    comes from the shipped one, and a symbol both lack from DejaVu Sans."""
    return list(dict.fromkeys([family, *filter(None, [_shipped_font()]), LATIN_FAMILY]))


def _installed_cjk_font() -> str | None:
    """The family name of an installed font that draws Chinese, or None when there is none.

    Looks first among the families matplotlib already knows, then scans the system's font files
    whose names suggest CJK (matplotlib's font cache may predate a font installed since) and
    registers with matplotlib those that really hold Chinese glyphs.
    """
    known = {entry.name for entry in font_manager.fontManager.ttflist}
    family = _best_family(known)
    if family is not None:
        return family

    found: set[str] = set()
    for path in sorted(font_manager.findSystemFonts(fontext="ttf")):
        if not any(hint in os.path.basename(path).lower() for hint in FILE_NAME_HINTS):
            continue
        families = _chinese_families(path)
        if families:
            font_manager.fontManager.addfont(path)
            found |= families
    return _best_family(found) or (min(found) if found else None)


def _shipped_font() -> str | None:
    """Register the shipped font with matplotlib (once); its family, or None when its file is
    missing or unreadable."""
    if any(entry.fname == str(SHIPPED_FONT) for entry in font_manager.fontManager.ttflist):
        return SHIPPED_FAMILY
    try:
        font_manager.fontManager.addfont(SHIPPED_FONT)
    except (OSError, RuntimeError, ValueError):
        return None
    # Only the regular weight is shipped: it stands in for the bold of the titles, as matplotlib
    # would make it do anyway, but without logging "Failed to find font weight bold" each chart.
    regular = font_manager.fontManager.ttflist[-1]
    font_manager.fontManager.ttflist.append(dataclasses.replace(regular, weight=700))
    return SHIPPED_FAMILY


def _best_family(families: Iterable[str]) -> str | None:
    """The first of `PREFERRED_FAMILIES` among `families`, else one named CJK; never the
    shipped font, which is not an installed one."""
    families = set(families) - {SHIPPED_FAMILY}
    for family in PREFERRED_FAMILIES:
        if family in families:
            return family
    cjk = sorted(family for family in families if "CJK" in family)
    return cjk[0] if cjk else None


def _chinese_families(path: str) -> set[str]:
    """Family names of the faces in a font file (a .ttc holds several) that draw Chinese."""
    try:
        font = ft2font.FT2Font(path)
        faces = [font] + [
            ft2font.FT2Font(path, face_index=index) for index in range(1, font.num_faces)
        ]
    except (OSError, RuntimeError, ValueError):
        return set()
    return {
        face.family_name
        for face in faces
        if all(ord(character) in face.get_charmap() for character in _PROBE)
    }
