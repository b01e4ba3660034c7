#!/usr/bin/env python3
"""Writes web/fonts/gp-sans.woff2: the map's label font, served by gridpatrol itself.

A subset of Noto Sans CJK SC (SIL Open Font License 1.1; Debian's fonts-noto-cjk):
Latin with pinyin tone marks, CJK and full-width punctuation, the 6 763 hanzi of
GB 2312 (levels 1 and 2: the characters of everyday Chinese text, street and place
names included), and every character of the bundled sample's names. MapLibre draws
label glyphs in the browser from this font (no glyph server, no internet).

Needs `pip install fonttools brotli`. Run from the repository root:
    python3 scripts/make_font.py [FONT.ttc [FACE_INDEX]]
"""
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from fontTools import subset

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FACE_SC = 2  # JP, KR, SC, TC, HK in Debian's collection
OUT = Path("web/fonts/gp-sans.woff2")


def gb2312_hanzi():
    """Rows 0xB0-0xF7 of GB 2312 (EUC-CN): level 1 then level 2 hanzi."""
    chars = []
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass  # the five unused cells at the end of row 0xD7
    return chars


def sample_names():
    """Every character of the bundled sample's text files and OSM names."""
    text = []
    for p in Path("data").glob("*"):
        if p.suffix in (".geojson", ".csv", ".json"):
            text.append(p.read_text(encoding="utf-8"))
    osm = ET.parse("data/osm/haidian-bupt.osm")
    text += [t.get("v") for t in osm.iter("tag") if t.get("k", "").startswith("name")]
    return set("".join(text))


def main():
    font = sys.argv[1] if len(sys.argv) > 1 else FONT
    face = int(sys.argv[2]) if len(sys.argv) > 2 else FACE_SC
    codepoints = set(range(0x20, 0x7F)) | set(range(0xA0, 0x180))
    codepoints |= set(range(0x1CD, 0x1DD))  # pinyin ǎ ǐ ǒ ǔ ǖ ǘ ǚ ǜ
    codepoints |= set(range(0x2010, 0x2027)) | {0x2030, 0x2103, 0x2116}
    codepoints |= set(range(0x2160, 0x216C))  # Ⅰ..Ⅻ
    codepoints |= set(range(0x2460, 0x2474))  # ①..⑳
    codepoints |= set(range(0x3000, 0x3020)) | set(range(0xFF01, 0xFF5F))
    codepoints |= {ord(c) for c in gb2312_hanzi()}
    codepoints |= {ord(c) for c in sample_names() if ord(c) >= 0x20}
    options = subset.Options()
    options.flavor = "woff2"
    options.font_number = face
    options.layout_features = ["kern", "vert"]
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
    options.name_languages = [0x409]
    options.hinting = False
    options.notdef_outline = True
    options.recalc_bounds = True
    f = subset.load_font(font, options)
    s = subset.Subsetter(options)
    s.populate(unicodes=codepoints)
    s.subset(f)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    subset.save_font(f, str(OUT), options)
    print(f"{OUT}: {len(codepoints)} code points, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
