"""Tooltip of the map in the UI language: unit, province, level, and the reasons that decided it.

Streamlit fills a pydeck tooltip template from the hovered feature's properties and escapes every value,
so the HTML is one template per map (`tooltip`). A feature carries plain-text fields: name, province_name,
approximate (true/false) and code, which the static map files hold too, and, when the features are sent
with the map, reasons (one per line). The level is the week's and not in a static file: the template holds
the label and swatch of each level once, hidden, and a style rule per level shows the one of the hovered
unit's code (a few bytes per unit instead of a label). Hovering a static file's unit tells to click it for
the reasons (the detail panel).
"""
from __future__ import annotations

from html import escape

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from i18n import t
from indicators.engine import criterion_text
from indicators.levelstyle import UNKNOWN_COLOR
from indicators.rulesets import RuleSet

FIELDS = ("code", "name", "province_name", "approximate")  # every feature's, also in the static map files
REASONS = "reasons"  # only in features sent with the map

_HEAD = (
    "<div class='tip u{code} a{approximate}'>"
    "<div style='font-weight:600;font-size:14px'>{name}</div>"
    "<div style='color:#555'>{province_name}</div>"
)
_LEVEL = ("<span class='lv lv{number}'><span style='color:{color};font-size:15px'>■</span> "
          "<b>{label}</b></span>")
_STYLE = {"backgroundColor": "white", "color": "#1F1F1F", "fontSize": "13px", "maxWidth": "400px",
          "whiteSpace": "normal", "padding": "8px 10px", "border": "1px solid #BBB", "borderRadius": "4px",
          "boxShadow": "0 2px 6px rgba(0,0,0,.15)"}


def tooltip(caption: str = "", levels: pd.DataFrame | None = None, lang: str = "vi", reasons: bool = True) -> dict:
    """The deck's tooltip: name and province, the unit's level (`levels`: code, label, color per unit), its
    reasons (`reasons`: the features carry them; otherwise a hint to click), the approximate-boundary note,
    then `caption` (e.g. the week) common to every unit."""
    levels = levels if levels is not None else pd.DataFrame(columns=["code", "label", "color"])
    kinds = levels[["label", "color"]].drop_duplicates().reset_index(drop=True)
    number = {(label, color): i for i, (label, color) in enumerate(zip(kinds["label"], kinds["color"]))}
    spans = "".join(_LEVEL.format(number=i, color=escape(color), label=escape(label))
                    for i, (label, color) in enumerate(zip(kinds["label"], kinds["color"])))
    shown = ",".join(f".u{code} .lv{number[(label, color)]}"
                     for code, label, color in zip(levels["code"], levels["label"], levels["color"]))
    why = ("<div style='margin-top:3px;white-space:pre-line'>{reasons}</div>" if reasons else
           f"<div style='margin-top:3px;color:#666'>{escape(t('map.tooltip_click', lang))}</div>")
    closing = f"<div style='margin-top:4px;color:#666'>{escape(caption)}</div>" if caption else ""
    style = (".tip .lv,.tip .an{display:none}.atrue .an{display:block}"
             + (shown + "{display:inline}" if shown else ""))
    return {"html": (_HEAD + f"<div style='margin-top:4px'>{spans}</div>" + why
                     + f"<div class='an' style='margin-top:3px;color:#8A5A00;font-style:italic'>"
                     f"{escape(t('map.approximate_boundary', lang))}</div>"
                     + closing + f"<style>{style}</style></div>"),
            "style": _STYLE}


def criteria_entries(reasons: pd.Series) -> list[list[dict]]:
    """Each row's criterion entries (engine reasons["criteria"]) as dicts, [] for a row without reasons.

    Arrow-backed reasons are read column by column: several times faster than converting row by row,
    which matters on every rerun of the whole country.
    """
    if not isinstance(reasons.dtype, pd.ArrowDtype):
        return [row["criteria"] if row else [] for row in reasons]
    lists = pc.struct_field(pa.array(reasons.array), "criteria")
    flat = pc.list_flatten(lists)
    names = [field.name for field in flat.type]
    rows: list[list[dict]] = [[] for _ in range(len(reasons))]
    columns = (column.to_pylist() for column in flat.flatten())
    for row, values in zip(pc.list_parent_indices(lists).to_pylist(), zip(*columns)):
        rows[row].append(dict(zip(names, values)))
    return rows


def deciding_reasons(entries: list[dict], ruleset: RuleSet, lang: str) -> list[str]:
    """'Criterion: value (≥ threshold)' for the criteria that decided the level; every criterion when none
    decided (unknown level), so the missing inputs show."""
    pairs = [(entry, ruleset.criterion(entry["criterion"])) for entry in entries]
    decided = [criterion_text(entry, criterion, lang) for entry, criterion in pairs if entry["decided"]]
    return decided or [criterion_text(entry, criterion, lang) for entry, criterion in pairs]


def unit_tooltip_fields(units: pd.DataFrame, classified: pd.DataFrame, colors: pd.Series, ruleset: RuleSet,
                        lang: str) -> pd.DataFrame:
    """The tooltip's fields per unit (index: code): FIELDS but code, label (the level's, or "no data"), color
    (`colors`, each unit's colour on the map, grey when missing) and reasons (the deciding criteria, one per line).

    `units` has code, name, province_name, approximate; `classified` is indexed by code with level,
    label_vi, label_en and reasons (an engine.classify result); a unit missing from it reads "no data".
    """
    rows = units.set_index("code")
    found = classified.reindex(rows.index)
    labels = found["label_vi" if lang == "vi" else "label_en"].astype("object").where(found["level"].notna())
    return pd.DataFrame({
        "name": rows["name"].astype("str"),
        "province_name": rows["province_name"].astype("str"),
        "approximate": rows["approximate"].astype("bool"),
        "label": labels.where(labels.notna(), ruleset.unknown_label(lang)).astype("str"),
        "color": colors.reindex(rows.index).fillna(UNKNOWN_COLOR).astype("str"),
        "reasons": ["\n".join(f"• {text}" for text in deciding_reasons(entries, ruleset, lang))
                    for entries in criteria_entries(found["reasons"])],
    }, index=rows.index)
