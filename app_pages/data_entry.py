"""Nhập liệu: staff upload their daily reports safely; admins follow every change and roll uploads back.

Thin: reading, checking, planning and writing are data.ingest's; this page shows them. A write makes a
new version of the database (the store), which every page reads at its next rerun. The view and the selected upload are in
the URL (`?entry_view=history&upload=3`).
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from data import db, ingest, templates
from data.spreadsheet_safe import csv_bytes, neutralise_frame
from data.ingest import files
from data.ingest.specs import SPECS
from data.ingest.store import label
from i18n import fmt_date, fmt_int, t
from ui import cached, login, state

VIEWS = ("upload", "templates", "history")
template_bytes = cached.cached(templates.template)
template_units = cached.cached(templates.units)


def _when(value) -> str:
    """A timestamp as the clerk reads it: 24/05/2021 08:30, or — when missing."""
    if value is None or pd.isna(value):
        return "—"
    stamp = pd.Timestamp(value)
    return f"{fmt_date(stamp, lang)} {stamp:%H:%M}"


def _province_of(area: db.Area) -> str | None:
    if area.level == db.PROVINCE:
        return area.code
    if area.level == db.DISTRICT:
        return cached.districts(None).set_index("district_code").at[area.code, "province_code"]
    return None


# ------------------------------------------------------------------ templates


def templates_view() -> None:
    province = user.province_code or _province_of(selection.area)
    st.caption(t("ingest.templates.intro", lang))
    if province:
        st.caption(t("ingest.templates.prefilled", lang, province=province_names[province]))
    else:
        st.caption(t("ingest.templates.blank", lang))
    day = st.columns(3)[0].date_input(t("ingest.templates.date", lang), value=selection.date, format="DD/MM/YYYY",
                                      key="template_date")
    for table, spec in SPECS.items():
        left, right = st.columns([3, 1], vertical_alignment="center")
        left.markdown(f"**{t(spec.title_key, lang)}**")
        left.caption(", ".join(c.header for c in spec.columns))
        right.download_button(
            t("ingest.templates.download", lang), data=template_bytes(table, province, day if province else None),
            file_name=templates.file_name(table, province), key=f"template_{table}", on_click="ignore",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", icon=":material/download:")


# ------------------------------------------------------------------ upload


def _plan_for(content: bytes, name: str) -> ingest.Plan:
    """Check a file once per content and user (reruns reuse the plan until it is written)."""
    memo = st.session_state.get("ingest_plan")
    marker = (name, hash(content), user.name, str(db.db_path()))
    if memo is None or memo[0] != marker:
        with st.spinner(t("ingest.upload.checking", lang)):
            memo = (marker, ingest.prepare(con, content, name, user.province_code))
        st.session_state["ingest_plan"] = memo
    return memo[1]


def upload_view() -> None:
    written = st.session_state.pop("ingest_written", None)
    if written:
        st.success(t("ingest.upload.written", lang, upload=written), icon=":material/check_circle:")
    limits = t("ingest.upload.limits", lang, size=files.MAX_FILE_BYTES // 1024 // 1024, rows=fmt_int(files.MAX_ROWS, lang))
    round_ = st.session_state.setdefault("ingest_round", 0)
    uploader_in_language()
    uploaded = st.file_uploader(t("ingest.upload.label", lang), type=["xlsx", "csv"], key=f"ingest_file_{round_}",
                                max_upload_size=files.MAX_FILE_BYTES // 1024 // 1024)
    st.caption(limits)
    if uploaded is None:
        return
    plan = _plan_for(uploaded.getvalue(), uploaded.name)
    if not plan.ok:
        st.error(t("ingest.upload.has_problems", lang, count=fmt_int(len(plan.problems), lang)), icon=":material/error:")
        for problem in (p for p in plan.problems if p.row is None):  # the file as a whole: in full, above the rows
            st.warning(problem.text(lang))
        problems = ingest.problems_frame(plan.problems, lang)
        in_rows = problems[problems.iloc[:, 0].notna()]
        if len(in_rows):
            st.dataframe(in_rows, hide_index=True, width="stretch", key="ingest_problems")
        st.download_button(t("ingest.upload.problems_csv", lang), csv_bytes(problems),
                           file_name=f"loi_{uploaded.name}.csv", mime="text/csv", key="problems_csv", on_click="ignore",
                           icon=":material/download:")
        return
    preview(plan)


def uploader_in_language() -> None:
    """Streamlit draws the upload widget's own button and limit in English; in Vietnamese, say them in Vietnamese."""
    if lang == "en":
        return
    button, limit = t("ingest.upload.browse", lang), t("ingest.upload.drop_limit", lang,
                                                         size=files.MAX_FILE_BYTES // 1024 // 1024)
    st.html(f"""<style>
      [data-testid="stFileUploaderDropzone"] button p {{font-size: 0;}}
      [data-testid="stFileUploaderDropzone"] button p::after {{content: "{button}"; font-size: 0.875rem;}}
      [data-testid="stFileUploaderDropzoneInstructions"] * {{font-size: 0;}}
      [data-testid="stFileUploaderDropzoneInstructions"]::after {{content: "{limit}"; font-size: 0.875rem;}}
    </style>""")


def warnings(plan: ingest.Plan) -> None:
    """The points to confirm (hidden rows, ambiguous numbers, unusual figures), above the changes."""
    if plan.warnings:
        st.warning(t("ingest.upload.warnings_title", lang, count=fmt_int(len(plan.warnings), lang)),
                   icon=":material/help:")
        st.dataframe(ingest.problems_frame(plan.warnings, lang), hide_index=True, width="stretch",
                     key="ingest_warnings")


def preview(plan: ingest.Plan) -> None:
    st.success(t("ingest.upload.valid", lang, table=t(plan.spec.title_key, lang),
                 province=province_names.get(plan.province_code, plan.province_code)), icon=":material/task_alt:")
    counts = st.columns(3)
    counts[0].metric(t("ingest.upload.new_rows", lang), fmt_int(len(plan.inserted), lang), border=True)
    counts[1].metric(t("ingest.upload.updated_rows", lang), fmt_int(len(plan.updated), lang), border=True)
    counts[2].metric(t("ingest.upload.unchanged_rows", lang), fmt_int(plan.unchanged, lang), border=True)
    warnings(plan)
    if not plan.after:
        st.info(t("ingest.cli.nothing", lang))
        return
    changes, added = st.tabs([t("ingest.upload.changes_tab", lang), t("ingest.upload.new_tab", lang)])
    with changes:
        st.caption(t("ingest.upload.changes_help", lang))
        st.dataframe(plan.changes(lang), hide_index=True, width="stretch", key="ingest_changes")
    with added:
        st.dataframe(plan.new_rows(lang), hide_index=True, width="stretch", key="ingest_new_rows")
    st.caption(t("ingest.upload.observed_note", lang))
    confirmed = not plan.warnings or st.checkbox(t("ingest.upload.warnings_confirm", lang),
                                                 key="ingest_warnings_confirmed")
    if st.button(t("ingest.upload.confirm", lang), type="primary", key="ingest_confirm", icon=":material/save:",
                 disabled=not confirmed):
        try:
            upload_id = ingest.commit(con, plan, user, confirmed=confirmed)
        except ingest.Refused as refusal:
            st.session_state.pop("ingest_plan", None)
            st.error(refusal.text(lang))
            return
        st.session_state.pop("ingest_plan", None)
        st.session_state["ingest_round"] += 1  # a fresh uploader: the written file is gone from the page
        st.session_state["ingest_written"] = upload_id
        st.rerun()


# ------------------------------------------------------------------ history


def history_view() -> None:
    rolled_back = st.session_state.pop("ingest_rolled_back", None)
    if rolled_back:
        st.success(rolled_back, icon=":material/undo:")
    scope = None if user.can_administer else user.province_code
    uploads = ingest.uploads(con, scope)
    st.subheader(t("ingest.history.uploads", lang))
    if uploads.empty:
        st.info(t("ingest.history.none", lang))
    else:
        uploads_table(uploads)
        upload_detail(uploads)
    st.subheader(t("ingest.history.figure_title", lang))
    figure_history(scope)


def uploads_table(uploads: pd.DataFrame) -> None:
    shown = pd.DataFrame({
        t("ingest.history.id", lang): uploads["upload_id"].astype("int64"),
        t("ingest.history.when", lang): uploads["uploaded_at"].map(_when),
        t("ingest.history.user", lang): uploads["user_name"],
        t("common.province", lang): uploads["province_code"].map(province_names),
        t("ingest.history.table", lang): uploads["table_name"].map(lambda name: t(SPECS[name].title_key, lang)),
        t("ingest.history.file", lang): uploads["file_name"],
        t("ingest.upload.new_rows", lang): uploads["rows_inserted"].astype("int64"),
        t("ingest.upload.updated_rows", lang): uploads["rows_updated"].astype("int64"),
        t("ingest.history.status", lang): [
            t("ingest.history.in_force", lang) if pd.isna(at) else
            t("ingest.history.rolled_back", lang, when=_when(at), user=by)
            for at, by in zip(uploads["rolled_back_at"], uploads["rolled_back_by"])],
    })
    st.dataframe(neutralise_frame(shown), hide_index=True, width="stretch", key="ingest_uploads")


def upload_detail(uploads: pd.DataFrame) -> None:
    ids = [str(i) for i in uploads["upload_id"]]
    labels = {str(r.upload_id): f"#{r.upload_id} — {r.file_name} — {_when(r.uploaded_at)}" for r in uploads.itertuples()}
    chosen = st.selectbox(t("ingest.history.choose", lang), ids, format_func=labels.get, key="upload",
                          bind="query-params")
    record = uploads.loc[uploads["upload_id"] == int(chosen)].iloc[0]
    st.dataframe(ingest.upload_changes(con, int(chosen), lang), hide_index=True, width="stretch",
                 key="ingest_upload_changes")
    if not user.can_administer or pd.notna(record["rolled_back_at"]):
        return
    with st.expander(t("ingest.history.rollback", lang, upload=chosen), icon=":material/undo:"):
        st.warning(t("ingest.history.rollback_help", lang))
        sure = st.checkbox(t("ingest.history.rollback_sure", lang, upload=chosen), key=f"rollback_sure_{chosen}")
        if st.button(t("ingest.history.rollback_button", lang), disabled=not sure, key=f"rollback_{chosen}",
                     type="primary"):
            try:
                restored = ingest.rollback(con, int(chosen), user)
            except ingest.Refused as refusal:
                st.error(refusal.text(lang))
                return
            st.session_state["ingest_rolled_back"] = t("ingest.history.rolled_back_now", lang, upload=chosen,
                                                       rows=fmt_int(restored, lang))
            st.rerun()


def figure_history(province: str | None) -> None:
    """Every upload that changed one row of one table: pick the table, the day and the unit."""
    columns = st.columns(4)
    table = columns[0].selectbox(t("ingest.history.table", lang), list(SPECS),
                                 format_func=lambda name: t(SPECS[name].title_key, lang), key="figure_table")
    spec = SPECS[table]
    day = columns[1].date_input(t("common.date", lang), value=selection.date, format="DD/MM/YYYY", key="figure_date")
    units = template_units(table, province or _province_of(selection.area))
    names = dict(zip(units["code"], units["name"]))
    if not names:
        st.info(t("ingest.history.no_units", lang))
        return
    key = {"date": day, spec.unit_column: columns[2].selectbox(
        spec.header(spec.unit_column), list(names), format_func=lambda code: f"{code} — {names[code]}",
        key="figure_unit")}
    for column in (k for k in spec.key if k not in key):
        options = spec.column(column).choices if column in spec.names else {v: v for v in spec.melted.values()}
        key[column] = columns[3].selectbox(label(spec, column, lang), list(options),
                                           format_func=options.get, key=f"figure_{column}")
    found = ingest.figure_history(con, table, key, lang)
    if found.empty:
        st.info(t("ingest.history.figure_none", lang))
        return
    found["uploaded_at"] = found["uploaded_at"].map(_when)
    found["rolled_back_at"] = found["rolled_back_at"].map(_when)
    found["note"] = found["note"].fillna("—")
    st.dataframe(neutralise_frame(found.rename(columns=lambda c: t(f"ingest.history.{c}", lang))), hide_index=True,
                 width="stretch", key="ingest_figure_history")


# ------------------------------------------------------------------ page

selection = state.current()
lang = selection.lang
st.title(t("ingest.title", lang))
user = login.require_user(lang)
province_names = dict(zip(cached.provinces()["province_code"], cached.provinces()["province_name"]))
login.signed_in_bar(user, lang, province_names.get(user.province_code))
if not user.can_upload:
    st.warning(t("ingest.refused.role", lang))
    st.stop()
con = cached.connection()

view = st.segmented_control(t("ingest.view", lang), options=list(VIEWS), default="upload", required=True,
                            format_func=lambda v: t(f"ingest.view_{v}", lang), key="entry_view", bind="query-params")
{"upload": upload_view, "templates": templates_view, "history": history_view}[view]()
