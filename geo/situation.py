"""What the map says beside the polygons: colours, the legend with counts, what changed since last week,
a unit's level history and the reasoning behind its level. Pure (pandas, Altair): the page only lays it out.
"""
from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

import pandas as pd
import altair as alt

from charts import date_format, finish
from geo import shapes
from geo.tooltips import criteria_entries
from indicators.engine import origin_note
from i18n import fmt_date, fmt_int, fmt_pct, t
from indicators.formatting import format_number, format_threshold
from indicators import levelstyle, origin as origin_, policy
from indicators.rulesets import YES_NO_LABEL, Criterion, RuleSet

if TYPE_CHECKING:
    from geo.view import AreaView


def legal_basis(ruleset: RuleSet, lang: str) -> str:
    """The rule set's legal basis in the UI language: the rule-set file's own (Vietnamese) text, or its English
    translation from the string table when there is one and the file's text is still the one translated."""
    key = f"legal_basis.{ruleset.id}"
    translated = t(key, lang)
    return translated if lang != "vi" and translated != key and t(key, "vi") == ruleset.legal_basis \
        else ruleset.legal_basis


def offshore_notes(area: AreaView, names: dict[str, str], lang: str) -> list[str]:
    """What the map says under its legend of each island far out at sea that it draws in a box (`area.insets`) or
    leaves out of its frame (`area.outside`): how far it lies from the rest of the province, and in which direction."""
    notes = []
    for key, codes in (("map.inset_note", [inset.code for inset in area.insets]), ("map.outside_frame", area.outside)):
        for code in codes:
            km, direction = shapes.offshore(code, list(area.codes), area.level)
            notes.append(t(key, lang, name=names[code], km=fmt_int(km, lang), direction=t(f"map.direction_{direction}", lang)))
    return notes


def short_label(label: str) -> str:
    """'Cấp 1 – Nguy cơ thấp (bình thường mới)' -> 'Cấp 1' (labels without a dash stay whole)."""
    return label.split(" – ")[0]


def legend(levels: pd.Series, ruleset: RuleSet, lang: str, colorblind: bool = False) -> pd.DataFrame:
    """One row per level of the rule set, then "no data": number, label, color, count (zeros kept)."""
    counts = levels.value_counts(dropna=False)
    ordered = sorted(ruleset.levels, key=lambda level: level.number)
    rows = [{"number": level.number, "label": level.label(lang),
             "color": levelstyle.color(level.number, ruleset, colorblind),
             "count": int(counts.get(level.number, 0))} for level in ordered]
    rows.append({"number": pd.NA, "label": ruleset.unknown_label(lang), "color": levelstyle.UNKNOWN_COLOR,
                 "count": int(levels.isna().sum())})
    return pd.DataFrame(rows)


def legend_text(table: pd.DataFrame, lang: str) -> str:
    """'Cấp 1: 412 · Cấp 2: 201 · … · Không có số liệu: 3'."""
    return " · ".join(f"{short_label(label)}: {fmt_int(count, lang)}" for label, count in zip(table["label"], table["count"]))


def level_chip_html(label: str, color: str, count: int | None = None, lang: str = "vi") -> str:
    """A colour square, the level's label and optionally a count, as inline HTML (label escaped)."""
    counted = f":&nbsp;<b>{fmt_int(count, lang)}</b>" if count is not None else ""
    return (f"<span style='display:inline-flex;align-items:center;margin:2px 14px 2px 0;white-space:nowrap'>"
            f"<span style='width:15px;height:15px;border-radius:3px;background:{color};display:inline-block;"
            f"margin-right:6px;border:1px solid rgba(0,0,0,.25)'></span>{escape(label)}{counted}</span>")


def legend_html(table: pd.DataFrame, lang: str) -> str:
    """The legend as colour chips with counts, for st.html."""
    chips = "".join(level_chip_html(label, color, count, lang)
                    for label, color, count in zip(table["label"], table["color"], table["count"]))
    return f"<div style='display:flex;flex-wrap:wrap;font-size:15px;line-height:1.7'>{chips}</div>"


def figures_html(rows: list[tuple[str, str, str]], lang: str) -> str:
    """A compact table of (label, value, origin) for a narrow panel: every figure says where it comes from, in
    one word on one line (the full words on hover); a figure without an origin (none that week) says "no data"."""
    def origin_cell(origin) -> str:
        if origin not in origin_.COLORS:
            return f"<td style='padding:3px 0;font-size:12px;white-space:nowrap;color:#757575'>{escape(t('common.no_data', lang))}</td>"
        return (f"<td style='padding:3px 0;font-size:12px;white-space:nowrap;color:{origin_.COLORS[origin]}' "
                f"title='{escape(t(f'common.source_{origin}', lang))}'>{escape(t(f'common.origin_short_{origin}', lang))}</td>")

    cells = "".join(
        f"<tr><td style='padding:3px 8px 3px 0;color:#333'>{escape(label)}</td>"
        f"<td style='padding:3px 8px;text-align:right;font-weight:600;white-space:nowrap'>{escape(value)}</td>"
        f"{origin_cell(origin)}</tr>"
        for label, value, origin in rows)
    return f"<table style='border-collapse:collapse;font-size:14px;width:100%'>{cells}</table>"


def changes_html(changes: pd.DataFrame, ruleset: RuleSet, lang: str, colorblind: bool = False) -> str:
    """'▲ Huyện Nậm Pồ (Tỉnh Điện Biên): ■ Cấp 2 → ■ Cấp 3 — what moved', one line per unit, for st.html.
    `changes` is a level_changes result with name and province added."""
    colors = levelstyle.palette(ruleset, colorblind)
    lines = []
    for name, province, before, after, step, reason in zip(
            changes["name"], changes["province"], changes["previous"], changes["level"], changes["step"],
            changes["reason"]):
        arrow = ("<span style='color:#C62828'>▲</span>" if step > 0 else "<span style='color:#2E7D32'>▼</span>")
        chips = (level_chip_html(short_label(ruleset.level(int(before)).label(lang)), colors[int(before)])
                 + "→&nbsp;&nbsp;" + level_chip_html(short_label(ruleset.level(int(after)).label(lang)), colors[int(after)]))
        lines.append(f"<div style='padding:5px 0;border-bottom:1px solid #EEE'>{arrow} <b>{escape(name)}</b> "
                     f"<span style='color:#666'>({escape(province)})</span>&nbsp;&nbsp;{chips}"
                     f"<div style='color:#444;font-size:13px;margin-left:18px'>{escape(reason)}</div></div>")
    return f"<div style='font-size:14px'>{''.join(lines)}</div>"


def thresholds_view(ruleset: RuleSet, lang: str) -> pd.DataFrame:
    """The rule set's thresholds table with headers, units and yes/no in the UI language, for display."""
    table = ruleset.thresholds_table()
    headers = t("map.threshold_columns", lang).split("|")
    yes_no = table["unit_vi"].eq("") & table["worse_when"].eq("=")
    thresholds = [YES_NO_LABEL[lang][int(value)] if flag else format_threshold(value, lang)
                  for value, flag in zip(table["threshold"], yes_no)]
    return pd.DataFrame(dict(zip(headers, [
        table[f"label_{lang}"], table["worse_when"], thresholds, table[f"unit_{lang}"],
        table["verified"].map({True: "✔", False: "✘"}), table["source"]])))


def measured_as(ruleset: RuleSet, lang: str) -> list[str]:
    """What the thresholds table cannot say: what the rule set's file says it follows, and how the inputs that
    rest on a policy number (indicators/policy.toml) are measured, with that number."""
    inputs = set(ruleset.input_columns)
    lines = [ruleset.notes(lang)] if ruleset.notes(lang) else []
    if "treatment_capacity_met" in inputs:
        lines.append(t("rules.measured_treatment_capacity_met", lang,
                       covid=fmt_pct(policy.number("treatment", "covid_bed_occupancy_limit_pct"), 0, lang),
                       icu=fmt_pct(policy.number("treatment", "icu_occupancy_limit_pct"), 0, lang)))
    if "admissions_per_100k_7d" in inputs:
        lines.append(t("rules.measured_admissions_per_100k_7d", lang,
                       stay=format_threshold(policy.number("treatment", "assumed_mean_stay_days"), lang)))
    return lines


def _value_text(value, criterion: Criterion, lang: str, with_unit: bool = True) -> str:
    if value is None or pd.isna(value):
        return "—"
    if criterion.kind == "yes_no":
        return YES_NO_LABEL[lang][int(value != 0)]
    unit = criterion.unit(lang) if with_unit else ""
    return format_number(value, lang) + (unit if unit == "%" else f" {unit}" if unit else "")


def moved_reasons(previous: list[dict], current: list[dict], ruleset: RuleSet, lang: str) -> list[str]:
    """The criteria whose band changed between two weeks (criterion entries of each), deciding ones first:
    'Ca mắc mới tại cộng đồng: 12,0 → 52,3 ca/100.000 dân/7 ngày (≥ 50)'."""
    before = {entry["criterion"]: entry for entry in previous}
    moved = []
    for entry in sorted(current, key=lambda e: not e["decided"]):
        old = before.get(entry["criterion"])
        if old is None or old["band"] == entry["band"]:
            continue
        criterion = ruleset.criterion(entry["criterion"])
        was = _value_text(old["value"], criterion, lang, with_unit=False)
        text = f"{criterion.label(lang)}: {was} → {_value_text(entry['value'], criterion, lang)}"
        if entry["comparison"] is not None and entry["threshold"] is not None:
            text += f" ({entry['comparison']} {format_threshold(entry['threshold'], lang)})"
        moved.append(text + origin_note(entry, lang))
    return moved


def change_origin_kind(previous: list[dict], current: list[dict]) -> str:
    """'only_simulated' or 'partly_not_real' when a level change rests only (or partly) on inputs that are not
    plainly observed, else ''."""
    before = {entry["criterion"]: entry for entry in previous}
    moved = [entry.get("origin") for entry in current
             if entry["criterion"] in before and before[entry["criterion"]]["band"] != entry["band"]]
    if moved and all(origin == origin_.SIMULATED for origin in moved):
        return "only_simulated"
    if any(origin and not origin_.is_real(origin) for origin in moved):
        return "partly_not_real"
    return ""


def change_origin_note(kind: str, lang: str, changes: int = 1) -> str:
    """`change_origin_kind` in words, for one change or for every change of a table ('Mọi thay đổi trong bảng …')."""
    number = "change" if changes == 1 else "changes"
    return t(f"reasons.{number}_{kind}", lang) if kind else ""


def level_changes(current: pd.DataFrame, previous: pd.DataFrame, ruleset: RuleSet, lang: str) -> pd.DataFrame:
    """Units whose level rose or fell against the previous week, most severe first (highest level, then
    the biggest rise). Both frames are indexed by unit code with level and reasons; units with an unknown
    level in either week are left out (that is missing data, not a change).
    Columns: code, previous, level, step (+/−), reason (what moved and, where it applies, the origin note, in the
    UI language), moved (what moved alone), origin_kind (change_origin_kind)."""
    both = current[["level", "reasons"]].join(previous[["level", "reasons"]].add_suffix("_previous"), how="inner")
    changed = both[both["level"].notna() & both["level_previous"].notna() & (both["level"] != both["level_previous"])]
    changed = changed.assign(step=(changed["level"] - changed["level_previous"]).astype("int64"))
    changed = changed.sort_values(["level", "step"], ascending=False)
    pairs = list(zip(criteria_entries(changed["reasons_previous"]), criteria_entries(changed["reasons"])))
    moved = ["; ".join(moved_reasons(old, new, ruleset, lang)) for old, new in pairs]
    kinds = [change_origin_kind(old, new) for old, new in pairs]
    reasons = [". ".join(filter(None, [what, change_origin_note(kind, lang)])) for what, kind in zip(moved, kinds)]
    return pd.DataFrame({"code": changed.index, "previous": changed["level_previous"].to_numpy(),
                         "level": changed["level"].to_numpy(), "step": changed["step"].to_numpy(),
                         "reason": reasons, "moved": moved, "origin_kind": kinds})


def reasoning_table(reasons: dict | None, ruleset: RuleSet, lang: str) -> pd.DataFrame:
    """One row per criterion of a unit's week: criterion, value, band (the rule's comparison), decided, and the
    origin of its input (a reason resting on simulated or estimated figures says so)."""
    columns = [t("map.criterion", lang), t("map.value", lang), t("map.band", lang), t("map.decided", lang),
               t("reasons.origin_column", lang)]
    if not reasons:
        return pd.DataFrame(columns=columns)
    rows = []
    for entry in reasons["criteria"]:
        criterion = ruleset.criterion(entry["criterion"])
        rows.append([criterion.label(lang), _value_text(entry["value"], criterion, lang),
                     criterion.band_label(entry["band"] - 1, lang) if entry["band"] is not None else "—",
                     "✔" if entry["decided"] else "",
                     t(f"common.source_{entry['origin']}", lang) if entry.get("origin") else ""])
    return pd.DataFrame(rows, columns=columns)


def history_strip(history: pd.DataFrame, lang: str, current_week=None, height: int = 70):
    """A unit's level week by week as a strip of colours (frame with week, color, label); the shown week
    is outlined."""
    weeks = pd.to_datetime(history["week"])
    data = pd.DataFrame({
        "start": weeks, "end": weeks + pd.Timedelta(days=7), "color": list(history["color"]),
        "outline": [2.5 if current_week is not None and week == pd.Timestamp(current_week) else 0 for week in weeks],
        "hover": [f"{fmt_date(week, lang)}: {label}" for week, label in zip(weeks, history["label"])]})
    strip = alt.Chart(data).mark_rect(stroke="#111").encode(
        x=alt.X("start:T", title=None, axis=alt.Axis(format=date_format(lang), labelFontSize=11, tickCount=4)),
        x2="end:T", color=alt.Color("color:N", scale=None), strokeWidth=alt.StrokeWidth("outline:Q", scale=None),
        tooltip=alt.Tooltip("hover:N"))
    return finish(strip, lang, height)
