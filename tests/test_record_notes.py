"""What the published record says about a day, in words on every surface (data/record_notes.py): backlog dumps
with the published count beside the adjusted one, gap runs, corrections of the collected series, unknown deaths,
and unverified rule sets."""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import json

import pytest

from charts.epicurve import epicurve
from data import db, metrics
from data import __main__ as data_cli
from data.db import COUNTRY, DISTRICT, PROVINCE, Area
from data.record_notes import Correction, Dump, RecordNotes, Run, count_shown, notes
from indicators.rulesets import load_ruleset
from reports.briefing import build_deck
from reports.daily import build_report
from reports.document import to_docx, to_markdown
from reports.model import Metrics
from reports.pdf_export import write_pdf
from reports.pptx_export import write_pptx
from tests.apptest import chart_words as words_of, charts, open_page, series_names

CA_MAU, SOC_TRANG, SOC_TRANG_CITY = Area(PROVINCE, "96"), Area(PROVINCE, "94"), Area(DISTRICT, "941")
DUMP_DAY = dt.date(2021, 10, 14)  # Sóc Trăng's 1,057 after four days of zeros
AFTER_DUMP = dt.date(2021, 10, 16)
CORRECTED_DAY = dt.date(2021, 10, 25)  # Cà Mau: 151,919 collected, 42 in the Ministry's bulletin
DEATHS_UNKNOWN = dt.date(2022, 6, 10)
UNVERIFIED = "vn-2022-qd218"


@pytest.fixture
def con(record_db):
    connection = db.connect(record_db, read_only=True)
    yield connection
    connection.close()


# ------------------------------------------------------------------ the helper


def test_a_dump_keeps_the_published_count_beside_the_adjusted_one(con):
    record = notes(con, SOC_TRANG, DUMP_DAY, dt.date(2021, 10, 31))
    assert record.dumps == (Dump(DUMP_DAY, "Tỉnh Sóc Trăng", 1_057, 27),)
    assert metrics.on_day(con, SOC_TRANG, DUMP_DAY)["new_cases"] == 27  # what the frame shows: the adjusted count
    vi, en = record.texts("vi"), record.texts("en")
    assert vi == ["Số liệu dồn ngày 14/10/2021: Tỉnh Sóc Trăng công bố 1.057 ca trong một ngày, gồm ca của những ngày "
                  "trước chưa được báo cáo. Số liệu công bố được giữ nguyên; chuỗi đã hiệu chỉnh (dùng cho tỷ lệ, Rt, "
                  "cấp độ) giữ 27 ca cho ngày này và phân bổ lại 1.030 ca vào các tuần trước."]
    assert "published 1,057 cases in one day" in en[0] and "spreads the other 1,030 back" in en[0]


def test_a_correction_names_the_collected_count_and_the_bulletins(con):
    record = notes(con, CA_MAU, dt.date(2021, 10, 1), dt.date(2021, 10, 31))
    assert record.corrections == (Correction(CORRECTED_DAY, "Tỉnh Cà Mau", 151_919, 42),
                                  Correction(dt.date(2021, 10, 26), "Tỉnh Cà Mau", 0, 32))
    assert not record.dumps
    row = metrics.on_day(con, CA_MAU, CORRECTED_DAY)
    assert (row["new_cases"], row["cases_origin"]) == (42, "observed")  # the bulletin's count is the published one
    assert record.texts("vi")[0] == (
        "Số liệu đã sửa ngày 25/10/2021: bộ số liệu thu thập từ cổng thông tin ghi Tỉnh Cà Mau 151.919 ca, bản tin Bộ Y "
        "tế cùng ngày ghi 42 ca (tổng ca trong nước của bản tin khớp với số đã sửa); dùng số của bản tin.")
    assert "the Ministry of Health's bulletin of that day 42" in record.texts("en")[0]


def test_a_gap_run_is_one_note_with_its_days(con):
    record = notes(con, SOC_TRANG, dt.date(2021, 10, 1), dt.date(2021, 10, 20))
    assert record.gaps == (Run(dt.date(2021, 10, 10), dt.date(2021, 10, 13), "Tỉnh Sóc Trăng"),)
    assert [dump.published for dump in record.dumps] == [1_057]
    texts = record.texts("vi")
    assert texts[0].startswith("Chưa có số liệu từ 10/10/2021 đến 13/10/2021 (4 ngày): Tỉnh Sóc Trăng công bố 0 ca")
    assert texts[1].startswith("Số liệu dồn ngày 14/10/2021")  # in the order of their days
    assert "No data from 10 Oct 2021 to 13 Oct 2021 (4 days)" in record.texts("en")[0]


def test_deaths_after_25_may_2022_are_unknown_never_zero(con):
    record = notes(con, CA_MAU, dt.date(2022, 5, 20), DEATHS_UNKNOWN)
    assert record.unknown_deaths == (Run(dt.date(2022, 5, 26), DEATHS_UNKNOWN),)
    assert record.texts("vi") == ["Số tử vong chưa có số liệu từ 26/05/2022 đến 10/06/2022: nguồn không công bố, "
                                  "không phải 0 ca tử vong."]
    row = metrics.on_day(con, CA_MAU, DEATHS_UNKNOWN)
    assert count_shown(row["new_deaths_7d"], row["deaths_7d_origin"], "vi") == ("chưa có số liệu", None)
    assert count_shown(0, "observed", "en") == ("0", "observed")  # a published 0 stays an observed 0


def test_notes_of_earlier_weeks_go_under_the_overview_curve(record_env):
    at = open_page(query={"area": "94", "date": "2021-11-30"})  # Sóc Trăng's gap and dump, weeks back
    assert not at.exception and not at.warning and not at.expander  # up to three notes (ui.widgets.SHOWN_NOTES) open
    captions = " ".join(c.value for c in at.caption)
    assert "Tỉnh Sóc Trăng công bố 1.057 ca" in captions and "Chưa có số liệu từ 10/10/2021" in captions


def test_a_district_and_the_country_carry_their_provinces_notes(con):
    district = notes(con, SOC_TRANG_CITY, DUMP_DAY, DEATHS_UNKNOWN)
    assert [dump.province for dump in district.dumps] == ["Tỉnh Sóc Trăng"] and district.unknown_deaths
    country = notes(con, Area(COUNTRY), dt.date(2021, 10, 1), dt.date(2021, 10, 31))
    assert [dump.day for dump in country.dumps] == [DUMP_DAY] and len(country.gaps) == 1
    assert [fix.day for fix in country.corrections] == [CORRECTED_DAY, dt.date(2021, 10, 26)]


def test_within_keeps_what_touches_the_days():
    record = RecordNotes((Dump(CORRECTED_DAY, "A", 100, 10),), (Run(dt.date(2021, 10, 10), dt.date(2021, 10, 13), "B"),),
                         (Run(dt.date(2022, 5, 26), dt.date(2022, 6, 30)),), (Correction(CORRECTED_DAY, "C", 9, 1),))
    assert record.within(dt.date(2021, 10, 13), dt.date(2021, 10, 19)) == RecordNotes(gaps=record.gaps)
    assert record.within(CORRECTED_DAY, CORRECTED_DAY) == RecordNotes(record.dumps, corrections=record.corrections)
    assert not record.within(dt.date(2021, 11, 1), dt.date(2022, 5, 25))
    assert record.of_cases() == RecordNotes(record.dumps, record.gaps, corrections=record.corrections)
    assert record.of_deaths() == RecordNotes(unknown_deaths=record.unknown_deaths)


def test_a_day_missed_by_many_provinces_is_one_sentence():
    """A day the collection missed is a gap of most provinces at once (19/7/2021: 49): one note names three."""
    day = dt.date(2021, 7, 19)
    provinces = [f"Tỉnh {letter}" for letter in "ABCDE"]
    record = RecordNotes(tuple(Dump(day + dt.timedelta(days=1), name, 10 * (i + 1), 5) for i, name in enumerate(provinces)),
                         tuple(Run(day, day, name) for name in reversed(provinces)))
    vi = record.texts("vi")
    assert len(vi) == 2
    assert vi[0].startswith("Chưa có số liệu 19/07/2021 (1 ngày): 5 tỉnh, thành phố (Tỉnh A, Tỉnh B, Tỉnh C và 2 nơi khác)")
    assert vi[1].startswith("Số liệu dồn ngày 20/07/2021: 5 tỉnh, thành phố (Tỉnh E, Tỉnh D, Tỉnh C và 2 nơi khác) "
                            "công bố tổng cộng 150 ca") and "giữ 25 ca" in vi[1] and "phân bổ lại 125 ca" in vi[1]
    assert record.texts("en")[0].startswith("No data 19 Jul 2021 (1 day): 5 provinces (Tỉnh A, Tỉnh B, Tỉnh C and 2 more)")


def test_a_day_the_collection_missed_everywhere_says_its_cases_are_missing_and_is_shaded():
    """13/2/2023, the series' last day, is 0 in every province after days of 11-41 cases (data.artefacts.missed_days):
    no count moves, so the note says the 7-day sums over it are too low, and the curve shades it as no data."""
    day = dt.date(2023, 2, 13)
    record = RecordNotes(missed=(Run(day, day),))
    assert record.texts("vi") == ["Chưa có số liệu 13/02/2023: nguồn không có số liệu ca mắc (mọi tỉnh, thành phố đều "
                                  "ghi 0 ca, giữa những ngày có ca); các ca này không có trong chuỗi công bố, nên tổng "
                                  "7 ngày gồm 13/02/2023 thấp hơn thực tế."]
    assert "7-day sums that include 13 Feb 2023 are too low" in record.texts("en")[0]
    assert record.of_cases() == record and not record.of_deaths()
    assert record.within(day - dt.timedelta(days=6), day) == record and not record.within(day, day).of_deaths()
    assert not record.within(dt.date(2023, 2, 1), dt.date(2023, 2, 12))
    assert record.without_counts() == record.missed


def test_the_curve_labels_the_dump_and_shades_the_gap(con):
    start, end = dt.date(2021, 9, 20), dt.date(2021, 10, 27)
    figure = epicurve(metrics.of_area(con, Area(COUNTRY), start, end), "vi",
                      record=notes(con, Area(COUNTRY), start, end))
    labels = [row["label"] for rows in figure.to_dict()["datasets"].values() for row in rows if "label" in row]
    assert "số liệu dồn: công bố 1.057" in labels and not any("151.919" in label for label in labels)
    assert "chưa có số liệu" in labels
    assert "Số liệu dồn (số công bố)" in series_names(figure.to_dict()), "the dumps' dashed line in the legend"
    def flat(layers):  # marks in drawing order, nested layers included
        for layer in layers:
            if "layer" in layer:
                yield from flat(layer["layer"])
            else:
                yield layer["mark"] if isinstance(layer["mark"], dict) else {"type": layer["mark"]}

    marks = list(flat(figure.to_dict()["layer"]))
    words = [i for i, mark in enumerate(marks) if mark["type"] == "text"]
    halos = [i for i in words if marks[i].get("stroke") == "white"]
    lines = [i for i, mark in enumerate(marks) if mark["type"] in ("bar", "line", "rule")]
    assert len(halos) * 2 == len(words) and max(lines) < min(words), "every word outlined, over lines and bars"


def test_a_few_cases_after_a_missed_day_are_a_line_not_words(con):
    """Words go to the dumps that matter on the chart's scale; a province's 3 cases reported after a day the
    collection missed keep their dashed line and hover text only (Cà Mau, July 2021, beside days of 200 cases)."""
    start, end = dt.date(2021, 9, 20), dt.date(2021, 10, 27)
    record = RecordNotes((Dump(dt.date(2021, 9, 30), "Tỉnh Sóc Trăng", 3, 1), Dump(DUMP_DAY, "Tỉnh Sóc Trăng", 1_057, 27)))
    figure = epicurve(metrics.of_area(con, SOC_TRANG, start, end), "vi", record=record).to_dict()
    rows = [row for rows in figure["datasets"].values() for row in rows if "label" in row]
    hovers = {row["label"] for row in rows if "day" in row and "published" not in row}
    words = {row["label"] for row in rows if "published" in row}
    assert hovers == {"số liệu dồn: công bố 3", "số liệu dồn: công bố 1.057"}, "every dump has its line and hover text"
    assert words == {"số liệu dồn: công bố 1.057"}


# ------------------------------------------------------------------ pages


def chart_words(at, key: str) -> str:
    """The series names and texts of the page's chart under `key`."""
    return words_of(charts(at)[key])


def test_overview_says_the_dump_and_the_published_count(record_env):
    at = open_page(query={"area": "94", "date": AFTER_DUMP.isoformat()})
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "Số liệu dồn ngày 14/10/2021: Tỉnh Sóc Trăng công bố 1.057 ca" in warnings
    assert "số liệu dồn: công bố 1.057" in chart_words(at, "overview_epicurve")
    corrected = open_page(query={"area": "96", "date": "2021-10-27"})
    assert "Số liệu đã sửa ngày 25/10/2021" in " ".join(w.value for w in corrected.warning)


def test_response_says_what_the_days_new_cases_rest_on(record_env):
    """The Response page's "F0 of the day" on Sóc Trăng's dump day carries the dump's note, as the Overview does."""
    at = open_page("app_pages/response.py", {"area": "94", "date": DUMP_DAY.isoformat()})
    assert not at.exception
    assert any(warning.value.startswith("Số liệu dồn ngày 14/10/2021: Tỉnh Sóc Trăng công bố 1.057 ca")
               for warning in at.warning)
    at = open_page("app_pages/response.py", {"area": "94", "date": AFTER_DUMP.isoformat()})
    assert not any("Số liệu dồn" in warning.value for warning in at.warning)


def test_overview_shows_unknown_deaths_as_no_data(record_env):
    at = open_page(query={"area": "96", "date": DEATHS_UNKNOWN.isoformat(), "lang": "en"})
    assert not at.exception
    deaths = next(m for m in at.metric if m.label == "Deaths, 7 days")
    assert deaths.value == "—", "a dash: the words do not fit a card"
    assert "no data" in deaths.proto.help.lower(), "the card's help says why it has no figure"
    assert "Deaths: no data from" in " ".join(w.value for w in at.warning)
    assert "observed" not in deaths.proto.help


def test_trends_marks_the_dump_gap_and_unverified_rules(record_env):
    at = open_page("app_pages/trends.py", {"area": "VN", "date": "2021-10-31", "from": "2021-09-15"})
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "Tỉnh Sóc Trăng công bố 1.057 ca" in captions and "Chưa có số liệu từ 10/10/2021 đến 13/10/2021" in captions
    assert "Số liệu đã sửa ngày 25/10/2021" in captions
    assert "số liệu dồn: công bố 1.057" in chart_words(at, "chart_cases")
    assert not at.warning  # the default rule set's thresholds are all checked
    graded = open_page("app_pages/trends.py", {"area": "96", "date": "2022-03-31", "rules": UNVERIFIED})
    assert not graded.exception
    assert load_ruleset(UNVERIFIED).unverified_warning("vi") in [w.value for w in graded.warning]


def test_trends_deaths_say_no_data_and_rt_says_what_the_adjustment_did(record_env):
    at = open_page("app_pages/trends.py", {"area": "96", "date": DEATHS_UNKNOWN.isoformat(), "from": "2022-05-01"})
    assert not at.exception
    assert "Số tử vong chưa có số liệu từ 26/05/2022 đến 10/06/2022" in " ".join(c.value for c in at.caption)
    rt = open_page("app_pages/trends.py", {"area": "94", "date": "2021-10-31", "from": "2021-09-15", "view": "rt"})
    assert not rt.exception and "Tỉnh Sóc Trăng công bố 1.057 ca" in " ".join(c.value for c in rt.caption)
    assert "chưa có số liệu" in chart_words(at, "chart_deaths")


# ------------------------------------------------------------------ briefing, report, CLI


def test_briefing_deck_words_the_dump_and_unknown_deaths(con):
    deck = build_deck(con, SOC_TRANG, AFTER_DUMP)
    headline = deck.slides[0]
    assert any("1.057" in note for note in headline.notes)
    later = build_deck(con, CA_MAU, DEATHS_UNKNOWN, "en")
    tiles = {figure.label: figure for block in later.slides[0].blocks if isinstance(block, Metrics)
             for figure in block.figures}
    assert (tiles["Deaths, 7 days"].value, tiles["Deaths, 7 days"].source) == ("no data", None)
    assert any(note.startswith("Deaths: no data") for note in later.slides[0].notes)
    assert later.slides[0].sources[:2] == (("cases", "observed"), ("deaths", None))  # never "cases, deaths — observed"


def test_briefing_files_carry_the_notes_and_the_unverified_warning(con):
    deck = build_deck(con, CA_MAU, DEATHS_UNKNOWN, ruleset_id=UNVERIFIED)
    warning = load_ruleset(UNVERIFIED).unverified_warning("vi")
    assert all(warning in slide.notes for slide in deck.slides if slide.key in ("map", "changes"))
    from pptx import Presentation

    pptx_text = " ".join(shape.text_frame.text for slide in Presentation(io.BytesIO(write_pptx(deck, {}))).slides
                         for shape in slide.shapes if shape.has_text_frame)
    assert warning in pptx_text and "Số tử vong chưa có số liệu" in pptx_text
    assert write_pdf(deck, {}).startswith(b"%PDF")


def test_report_words_the_dump_unknown_deaths_and_unverified_rules(con):
    report = build_report(con, SOC_TRANG, AFTER_DUMP)
    dump = to_markdown(report)
    assert "Số liệu dồn ngày 14/10/2021: Tỉnh Sóc Trăng công bố 1.057 ca" in dump
    from docx import Document

    docx_text = " ".join(p.text for p in Document(io.BytesIO(to_docx(report))).paragraphs)
    assert "Tỉnh Sóc Trăng công bố 1.057 ca" in docx_text
    assert "Số liệu đã sửa ngày 25/10/2021" in to_markdown(build_report(con, CA_MAU, dt.date(2021, 10, 27)))
    later = to_markdown(build_report(con, CA_MAU, DEATHS_UNKNOWN))
    assert "Số tử vong chưa có số liệu từ 04/06/2022 đến 10/06/2022" in later
    assert "chưa có số liệu" in later.split("Số tử vong")[0]  # the day's deaths in the situation sentence
    assert load_ruleset(UNVERIFIED).unverified_warning("vi") in later  # QĐ 218 was in force in June 2022


def test_cli_figures_word_the_record_and_leave_unknown_deaths_without_origin(record_db):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert data_cli.main(["figures", "96", DEATHS_UNKNOWN.isoformat(), "--db", str(record_db), "--lang", "en"]) == 0
    shown = json.loads(out.getvalue())
    assert shown["new_deaths_7d"] == {"value": None, "origin": None}
    assert shown["notes"] == ["Deaths: no data from 4 Jun 2022 to 10 Jun 2022: the source did not publish them; "
                              "this is not zero deaths."]


def test_cli_levels_warns_of_an_unverified_rule_set_on_stderr(record_db, capsys):
    argv = ["levels", "--date", DEATHS_UNKNOWN.isoformat(), "--unit", "province", "--db", str(record_db)]
    assert data_cli.main([*argv, "--ruleset", UNVERIFIED]) == 0
    captured = capsys.readouterr()
    assert load_ruleset(UNVERIFIED).unverified_warning("vi") in captured.err and "96" in captured.out
    assert data_cli.main([*argv, "--ruleset", "vn-2021-qd4800"]) == 0
    assert capsys.readouterr().err == ""


def test_briefing_page_shows_the_slide_notes(record_env):
    at = open_page("app_pages/briefing.py", {"area": "94", "date": AFTER_DUMP.isoformat()}, timeout=120)
    assert not at.exception
    assert "Tỉnh Sóc Trăng công bố 1.057 ca" in " ".join(w.value for w in at.warning)
    metrics_html = " ".join(h.value for h in at.html)
    assert "số liệu dồn: công bố 1.057" in chart_words(at, "briefing_headline_1")
    assert "Ca mắc mới 7 ngày" in metrics_html


def test_the_days_a_dump_was_spread_over_are_not_drawn_as_observed(con):
    """The province's observed part of a day is the published record only where the adjustment left it alone."""
    frame = metrics.of_area(con, SOC_TRANG, dt.date(2021, 10, 10), DUMP_DAY).set_index("date")
    assert (frame["cases_origin"] == "estimated").all() and (frame["observed_cases"] == 0).all()
