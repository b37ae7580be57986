"""python -m reports daily|briefing --date YYYY-MM-DD --area CODE [--format …] [-o FILE] [--db PATH] [--lang vi|en]

    python -m reports daily --date 2021-05-24 --area 11                  # bao-cao-11-2021-05-24.md
    python -m reports daily --date 2021-05-24 --area 11 --format docx
    python -m reports briefing --date 2021-05-24 --area 11 --format pptx # trinh-chieu-11-2021-05-24.pptx
    python -m reports briefing --date 2021-05-24 --area 11 --format pdf -o giao-ban.pdf

--area is VN (the country), a province code (2 digits) or a district code (3 digits).
Exit codes: 0 written; 2 bad arguments; 3 the database is missing, unreadable or of another schema.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from data import db
from data.db import area_of
from i18n import LANGS

FORMATS = {"daily": ("md", "docx"), "briefing": ("pptx", "pdf")}
FILE_STEMS = {"daily": "bao-cao", "briefing": "trinh-chieu"}


def render(kind: str, file_format: str, con, area: db.Area, day: dt.date, lang: str) -> bytes:
    """The bytes of one report or briefing file."""
    if kind == "daily":
        from reports.daily import build_report
        from reports.document import to_docx, to_markdown

        report = build_report(con, area, day, lang)
        return to_markdown(report).encode("utf-8") if file_format == "md" else to_docx(report)
    from reports.briefing import build_deck
    from reports.pdf_export import write_pdf
    from reports.pptx_export import write_pptx

    deck = build_deck(con, area, day, lang)
    return write_pptx(deck) if file_format == "pptx" else write_pdf(deck)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reports", description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[2:]))
    parser.add_argument("kind", choices=sorted(FORMATS), help="daily: the situation report; briefing: the slides")
    parser.add_argument("--date", required=True, type=dt.date.fromisoformat, help="the day, YYYY-MM-DD")
    parser.add_argument("--area", required=True, help="VN, a province code (11) or a district code (103)")
    parser.add_argument("--format", dest="file_format",
                        help="md|docx (daily, default md) or pptx|pdf (briefing, default pptx)")
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: named after the area and date)")
    parser.add_argument("--db", type=Path, default=None,
                        help="database file (default: $SITUATION_DB or data/situation.duckdb)")
    parser.add_argument("--lang", choices=LANGS, default="vi")
    args = parser.parse_args(argv)

    file_format = args.file_format or FORMATS[args.kind][0]
    if file_format not in FORMATS[args.kind]:
        parser.error(f"--format for {args.kind} is one of {', '.join(FORMATS[args.kind])}")
    try:
        con = db.connect(args.db)
    except db.Unavailable as problem:
        print(problem.text(args.lang), file=sys.stderr)
        return 3
    try:
        area = area_of(con, args.area)
    except ValueError as error:
        parser.error(str(error))
    first, last = db.date_range(con)
    if not first <= args.date <= last:
        parser.error(f"--date must be between {first} and {last}, the days the database holds")
    output = args.output or Path(f"{FILE_STEMS[args.kind]}-{area.key}-{args.date.isoformat()}.{file_format}")
    output.write_bytes(render(args.kind, file_format, con, area, args.date, args.lang))
    print(output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
