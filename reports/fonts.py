"""A TrueType font with every Vietnamese letter, for the PDF and the map image (PPTX and DOCX name a font and
let the reader's machine draw it).

PDF and PIL need the font file itself. DejaVu Sans ships with the project (reports/font_files/, under its free
licence, LICENSE-DejaVu.txt) so exports work on a bare machine; $REPORTS_FONT_DIR points at another folder
holding DejaVu, Liberation or Noto Sans.
"""
from __future__ import annotations

import os
from functools import cache
from pathlib import Path

FONT_DIRS = (str(Path(__file__).resolve().parent / "font_files"), "/usr/share/fonts/truetype", "/usr/share/fonts", "/usr/local/share/fonts", "/Library/Fonts",
             "C:/Windows/Fonts")
# (regular, bold) file names, best first.
FAMILIES = (("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"), ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
            ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"), ("arial.ttf", "arialbd.ttf"))


class FontNotFoundError(RuntimeError):
    """No font with Vietnamese letters was found: install fonts-dejavu-core or set $REPORTS_FONT_DIR."""


@cache
def font_files() -> tuple[Path, Path]:
    """(regular, bold) font files of the first family found."""
    folders = [Path(os.environ["REPORTS_FONT_DIR"])] if os.environ.get("REPORTS_FONT_DIR") else []
    folders += [Path(folder) for folder in FONT_DIRS if Path(folder).is_dir()]
    for regular, bold in FAMILIES:
        for folder in folders:
            found = {name: next(folder.rglob(name), None) for name in (regular, bold)}
            if found[regular] and found[bold]:
                return found[regular], found[bold]
    raise FontNotFoundError(FontNotFoundError.__doc__)
