"""Tooltip of the map in the UI language: unit, province, level, and the reasons that decided it.

Streamlit fills a pydeck tooltip template from the hovered feature's properties and escapes every value,
so the HTML is one template per map (`tooltip`) and each unit carries plain-text fields
(`unit_tooltip_fields`): name, province, level, swatch (the level's colour), reasons (one per line), note.
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

FIELDS = ("name", "province", "level", "swatch", "reasons", "note")

_TEMPLATE = (
    "<div style='font-weight:600;font-size:14px'>{name}</div>"
    "<div style='color:#555'>{province}</div>"
    "<div style='margin-top:4px'><span style='color:{swatch};font-size:15px'>■</span> <b>{level}</b></div>"
    "<div style='margin-top:3px;white-space:pre-line'>{reasons}</div>"
    "<div style='margin-top:3px;color:#8A5A00;font-style:italic'>{note}</div>"
)
_STYLE = {"backgroundColor": "white", "color": "#1F1F1F", "fontSize": "13px", "maxWidth": "400px",
          "whiteSpace": "normal", "padding": "8px 10px", "border": "1px solid #BBB", "borderRadius": "4px",
          "boxShadow": "0 2px 6px rgba(0,0,0,.15)"}


def tooltip(caption: str = "") -> dict:
    """The deck's tooltip: the per-unit fields, then `caption` (e.g. the week) common to every unit."""
    closing = f"<div style='margin-top:4px;color:#666'>{escape(caption)}</div>" if caption else ""
    return {"html": _TEMPLATE + closing, "style": _STYLE}


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
    """The tooltip's plain-text fields per unit (index: code, columns: FIELDS).

    `units` has code, name, province_name, approximate; `classified` is indexed by code with level,
    label_vi, label_en and reasons (an engine.classify result); `colors` is each unit's colour on the map
    (index: code). An unknown level, or a unit missing from `classified`, reads "no data".
    """
    rows = units.set_index("code")
    found = classified.reindex(rows.index)
    labels = found["label_vi" if lang == "vi" else "label_en"].astype("object").where(found["level"].notna())
    note = t("map.approximate_boundary", lang)
    return pd.DataFrame({
        "name": rows["name"],
        "province": rows["province_name"],
        "level": labels.where(labels.notna(), ruleset.unknown_label(lang)),
        "swatch": colors.reindex(rows.index).fillna(UNKNOWN_COLOR),
        "reasons": ["\n".join(f"• {text}" for text in deciding_reasons(entries, ruleset, lang))
                    for entries in criteria_entries(found["reasons"])],
        "note": [note if approximate else "" for approximate in rows["approximate"]],
    }, index=rows.index).astype("str")
