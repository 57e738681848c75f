"""Finding a font that draws Chinese, for every chart and document the exports render.

Matplotlib's default font (DejaVu Sans) has no Chinese glyphs: without a CJK font every project
name becomes a row of empty boxes. Writers call `find_cjk_font()` and fall back to ids and English
labels when it returns None.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable

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

_PROBE = "中文培训"


@functools.cache
def find_cjk_font() -> str | None:
    """The family name of an installed font that draws Chinese, or None when there is none.

    Looks first among the families matplotlib already knows, then scans the system's font files
    whose names suggest CJK (matplotlib's font cache may predate a font installed since) and
    registers with matplotlib those that really hold Chinese glyphs. The answer is cached.
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


def _best_family(families: Iterable[str]) -> str | None:
    families = set(families)
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
