"""Briefings and reports from the situation database, without streamlit.

- `reports.model`: the content of a briefing (slides of figures, charts, images, tables) and of a written report.
- `reports.briefing`: the briefing of an area on a day; `reports.daily`: the daily situation report
  (Báo cáo tình hình dịch COVID-19).
- `reports.pptx_export`, `reports.pdf_export`, `reports.document` (Markdown, DOCX): the files.
- `reports.layout`: where things go on a slide and the briefing's high-contrast look (page and files alike).
- `reports.images`: the charts to PNG through vl-convert (no browser); `reports.levelmap`: the level map to PNG.
- `reports.text`: area names, origin labels, the data-source line; `reports.fonts`: a font with Vietnamese letters.

    python -m reports daily --date 2021-05-24 --area 11 [-o FILE] [--format md|docx]
    python -m reports briefing --date 2021-05-24 --area 11 --format pptx|pdf [-o FILE]
"""
