"""Border gates and control posts: the day's totals, the risk notes each checkpoint sends up, the 95% target.

Input frames are `checkpoint_counts` rows (date, checkpoint_id and the count columns), optionally joined to
the checkpoint list (name, kind). Risk notes (parameters in operations/parameters.toml):
- `positive`: any positive test that day;
- `flow_surge`: people in + out above `flow_surge_ratio` x the mean of the previous `baseline_days` days
  (only when all those days were reported);
- `untested`: fewer people tested than arrived from outbreak areas. `tested` counts everybody tested, so the
  gap is the least number of arrivals from outbreak areas who went untested.
"""
from __future__ import annotations

import pandas as pd

from i18n import fmt_date, fmt_int, fmt_pct, t
from operations import parameters
from indicators.metrics import ratio_pct as percent

COUNTS = ["people_in", "people_out", "vehicles", "from_outbreak_areas", "declared", "tested", "positive", "quarantined"]
NOTE_KINDS = ("positive", "flow_surge", "untested")


KINDS = ("border_gate", "control_post")


def catalogue(sites: pd.DataFrame) -> pd.DataFrame:
    """How many border gates and control posts each province has in the list (`sites`: checkpoint_sites of the
    country), one row per province that has any, by province code: where a user whose area has none can look."""
    counts = pd.crosstab([sites["province_code"], sites["province_name"]], sites["kind"])
    return counts.reindex(columns=list(KINDS), fill_value=0).reset_index().rename_axis(columns=None)


def catalogue_totals(listed: pd.DataFrame) -> dict[str, int]:
    """What the list holds (a `catalogue`): border gates and the provinces that have them, control posts and theirs."""
    return {"gates": int(listed["border_gate"].sum()), "gate_provinces": int((listed["border_gate"] > 0).sum()),
            "posts": int(listed["control_post"].sum()), "post_provinces": int((listed["control_post"] > 0).sum())}


def with_rates(counts: pd.DataFrame) -> pd.DataFrame:
    """Add flow (people in + out), positivity %, and the declared and tested shares of arrivals from outbreak areas.

    The tested share counts at most everybody from outbreak areas (assumption: they are tested first).
    """
    out = counts.copy()
    out["flow"] = out["people_in"] + out["people_out"]
    out["positivity_pct"] = percent(out["positive"], out["tested"])
    out["declared_pct"] = percent(out["declared"], out["from_outbreak_areas"])
    out["tested_pct"] = percent(out[["tested", "from_outbreak_areas"]].min(axis=1), out["from_outbreak_areas"])
    return out


def day_summary(counts: pd.DataFrame, day) -> pd.DataFrame:
    """One row per checkpoint reported on `day` with its counts and rates."""
    return with_rates(counts[pd.to_datetime(counts["date"]) == pd.Timestamp(day)])


def total(counts: pd.DataFrame) -> pd.Series:
    """Counts summed over rows (checkpoints or days) with the rates of the sums."""
    summed = counts[COUNTS].sum().to_frame().T
    return with_rates(summed).iloc[0]


def risk_notes(counts: pd.DataFrame, day, ratio: float | None = None, baseline_days: int | None = None) -> pd.DataFrame:
    """The risk notes of `day`, one row per (checkpoint, kind) with `value` and `reference`.

    positive: value = positives; flow_surge: value = flow, reference = mean flow of the previous days;
    untested: value = arrivals from outbreak areas not tested (at least), reference = arrivals from outbreak areas.
    """
    limits = parameters()["checkpoints"]
    ratio = limits["flow_surge_ratio"] if ratio is None else ratio
    baseline_days = limits["baseline_days"] if baseline_days is None else baseline_days
    day = pd.Timestamp(day)
    dates = pd.to_datetime(counts["date"])
    today = with_rates(counts[dates == day]).set_index("checkpoint_id")
    before = counts[(dates < day) & (dates >= day - pd.Timedelta(days=baseline_days))]
    history = (before["people_in"] + before["people_out"]).groupby(before["checkpoint_id"]).agg(["mean", "count"])
    baseline = history["mean"].where(history["count"] == baseline_days).reindex(today.index)

    untested = (today["from_outbreak_areas"] - today["tested"]).clip(lower=0)
    notes = [
        pd.DataFrame({"kind": "positive", "value": today["positive"], "reference": today["tested"]})[today["positive"] > 0],
        pd.DataFrame({"kind": "flow_surge", "value": today["flow"], "reference": baseline})[today["flow"] > ratio * baseline],
        pd.DataFrame({"kind": "untested", "value": untested, "reference": today["from_outbreak_areas"]})[untested > 0],
    ]
    frame = pd.concat(notes).rename_axis("checkpoint_id").reset_index()
    frame["kind"] = pd.Categorical(frame["kind"], categories=NOTE_KINDS)
    return frame.sort_values(["checkpoint_id", "kind"]).reset_index(drop=True)


def target_progress(counts: pd.DataFrame, days: int = 7, target: float | None = None) -> pd.DataFrame:
    """Per date, over all rows given: the shares of arrivals from outbreak areas declared and tested, summed over
    the trailing `days` days, and whether both exceed the target (more than 95% by default)."""
    target = parameters()["checkpoints"]["declared_target"] if target is None else target
    daily = counts.assign(tested_arrivals=counts[["tested", "from_outbreak_areas"]].min(axis=1))
    daily = daily.groupby(pd.to_datetime(daily["date"]))[["from_outbreak_areas", "declared", "tested_arrivals"]].sum()
    daily = daily.asfreq("D", fill_value=0)
    rolled = daily.rolling(days, min_periods=days).sum()
    out = pd.DataFrame({
        "declared_pct": percent(rolled["declared"], rolled["from_outbreak_areas"]),
        "tested_pct": percent(rolled["tested_arrivals"], rolled["from_outbreak_areas"]),
    })
    met = (out["declared_pct"] > target * 100) & (out["tested_pct"] > target * 100)
    out["target_met"] = met.astype("boolean").mask(out["declared_pct"].isna() | out["tested_pct"].isna())
    return out.rename_axis("date").reset_index()


def note_text(note: pd.Series, lang: str) -> str:
    """One risk note as a sentence in the UI language."""
    values = {"value": fmt_int(note["value"], lang), "reference": fmt_int(note["reference"], lang)}
    if note["kind"] == "flow_surge":
        values["ratio"] = fmt_pct(note["value"] / note["reference"] * 100, 0, lang)
    return t(f"checkpoints.note_{note['kind']}", lang, **values)


def end_of_day_report(summary: pd.Series, notes: pd.DataFrame, names: dict[str, str], title: str, day,
                      source: str | None, lang: str) -> str:
    """The end-of-day report of one checkpoint or all (Markdown): the day's totals, then the risk notes."""
    lines = [f"### {t('checkpoints.report_heading', lang, name=title, date=fmt_date(day, lang))}", ""]
    for column in COUNTS:
        lines.append(f"- {t(f'checkpoints.col_{column}', lang)}: {fmt_int(summary[column], lang)}")
    lines.append(f"- {t('checkpoints.col_positivity_pct', lang)}: {fmt_pct(summary['positivity_pct'], 2, lang)}")
    lines.append(f"- {t('checkpoints.col_declared_pct', lang)}: {fmt_pct(summary['declared_pct'], 1, lang)}")
    lines += ["", f"**{t('checkpoints.risk_notes', lang)}**", ""]
    if notes.empty:
        lines.append(f"- {t('checkpoints.no_risk', lang)}")
    for note in notes.itertuples(index=False):
        note = pd.Series(note._asdict())
        lines.append(f"- {names.get(note['checkpoint_id'], note['checkpoint_id'])}: {note_text(note, lang)}")
    lines += ["", f"_{t(f'common.source_{source}', lang) if source else t('common.no_data', lang)}_"]
    return "\n".join(lines)
