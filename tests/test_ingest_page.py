"""The Nhập liệu page in AppTest: demo mode, login and its backoff, roles, templates, the Vietnamese upload
widget, the history of uploads and an admin's rollback.

(AppTest cannot hand a file to st.file_uploader; the upload path itself is covered by test_ingest.py.)
"""
from __future__ import annotations

import shutil

import pytest

from data import db, ingest
from tests.apptest import open_page
from tests.conftest import app_on
from tests.ingest_corpus import REPORT_DATE, good_rows, xlsx
from tests.test_ingest import CLERK, TODAY

PAGE = "app_pages/data_entry.py"


@pytest.fixture
def entry_db(small_db, tmp_path, monkeypatch):
    """The app in demo mode on a private copy of the small database (this page writes)."""
    path = tmp_path / "page.duckdb"
    shutil.copy(small_db, path)
    monkeypatch.setenv("SITUATION_DEMO", "1")
    monkeypatch.delenv("SITUATION_USERS", raising=False)
    with app_on(path, monkeypatch):
        yield path


def log_in(at, name: str, password: str):
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    return next(b for b in at.button if b.label == "Đăng nhập").click().run()


def test_the_page_asks_for_a_login_and_refuses_a_wrong_password(entry_db):
    at = open_page(PAGE)
    assert not at.exception
    assert at.title[0].value == "Nhập liệu báo cáo hằng ngày"
    assert [field.label for field in at.text_input] == ["Tên đăng nhập", "Mật khẩu"]
    log_in(at, "quantri", "sai")
    assert not at.exception and at.error[0].value == "Sai tên đăng nhập hoặc mật khẩu."
    assert not at.segmented_control


def test_outside_demo_mode_the_demo_accounts_do_not_exist(entry_db, monkeypatch):
    monkeypatch.setenv("SITUATION_DEMO", "0")
    at = open_page(PAGE)
    assert not at.exception and not at.text_input
    assert "--demo" in at.info[0].value


def test_wrong_passwords_make_this_client_wait_and_the_wait_survives_a_restart(entry_db):
    import auth

    at = open_page(PAGE)
    for _ in range(auth.LoginGuard.CLIENT_FREE + 1):
        log_in(at, "quantri", "sai")
    assert "Hãy thử lại sau" in at.error[0].value
    assert auth.guard_path(entry_db).exists()  # next to the database: a restart reads it again
    again = log_in(open_page(PAGE), "quantri", "quantri-demo")  # the right password must wait too
    assert "Hãy thử lại sau" in again.error[0].value and not again.segmented_control


def test_a_viewer_may_not_enter_data(entry_db):
    at = log_in(open_page(PAGE), "xem", "xem-demo")
    assert not at.exception
    assert any("chỉ được xem" in w.value for w in at.warning) and not at.segmented_control


def test_a_clerk_gets_templates_of_their_province(entry_db):
    at = log_in(open_page(PAGE), "canbo_dienbien", "dienbien-demo")
    assert not at.exception
    assert "Tỉnh Điện Biên" in at.caption[0].value
    widget_text = at.get("html")[0].proto.body  # the upload widget's own button and limit, in Vietnamese
    assert "Tải tệp lên" in widget_text and "Tối đa 5 MB mỗi tệp" in widget_text
    at.segmented_control(key="entry_view").set_value("templates").run()
    assert not at.exception
    assert any("Tỉnh Điện Biên" in caption.value for caption in at.caption)
    assert len(at.get("download_button")) == len(ingest.SPECS)
    at.segmented_control(key="entry_view").set_value("history").run()
    assert not at.exception and at.info[0].value == "Chưa có lần tải lên nào."


def test_an_admin_sees_an_upload_and_rolls_it_back(entry_db):
    con = db.connect(entry_db)
    plan = ingest.prepare(con, xlsx(good_rows()), "bao_cao_0107.xlsx", "11", today=TODAY)
    upload_id = ingest.commit(con, plan, CLERK, today=TODAY)
    con.close()

    at = log_in(open_page(PAGE), "quantri", "quantri-demo")
    at.segmented_control(key="entry_view").set_value("history").run()
    assert not at.exception
    uploads = at.dataframe[0].value
    assert uploads.iloc[0].tolist()[:3] == [upload_id, uploads.iloc[0, 1], "canbo_dienbien"]
    assert uploads.iloc[0, -1] == "đang áp dụng" and "None" not in uploads.to_string()
    changes = at.dataframe[1].value
    assert len(changes) and "Số cũ" in changes.columns
    at.checkbox(key=f"rollback_sure_{upload_id}").check().run()
    at.button(key=f"rollback_{upload_id}").click().run()
    assert not at.exception
    assert at.dataframe[0].value.iloc[0, -1].startswith("đã hoàn tác")
    at.date_input(key="figure_date").set_value(REPORT_DATE).run()
    assert not at.exception, at.exception
    history = at.dataframe[-1].value
    assert len(history) and "None" not in history.to_string() and (history.iloc[:, 8] == "—").all()


def test_a_broken_users_file_closes_data_entry_with_the_reason(entry_db, tmp_path, monkeypatch):
    monkeypatch.setenv("SITUATION_USERS", str(tmp_path / "missing.toml"))
    at = open_page(PAGE)
    assert not at.exception
    assert "no such users file" in at.error[0].value and not at.text_input


def private_page():
    """A page behind the gate app.py puts in front of every page when viewing is private."""
    import streamlit as st

    from ui import login

    login.gate("vi")
    st.write("số liệu")


def test_private_viewing_asks_for_any_login(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    import auth

    monkeypatch.setattr(auth, "BCRYPT_ROUNDS", 4)
    users = tmp_path / "users.toml"
    users.write_text('[access]\npublic_viewing = false\n\n[users.xem]\nrole = "viewer"\n'
                     f'password_hash = "{auth.hash_password("pw")}"\n', encoding="utf-8")
    monkeypatch.setenv("SITUATION_USERS", str(users))
    monkeypatch.setenv("SITUATION_DB", str(tmp_path / "situation.duckdb"))  # the login backoff lives next to it
    at = AppTest.from_function(private_page).run()
    assert not at.exception and not at.markdown and len(at.text_input) == 2
    log_in(at, "xem", "pw")
    assert not at.exception and at.markdown[0].value == "số liệu"


def test_demo_mode_is_said_at_the_top_of_every_page(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("SITUATION_DEMO", "1")
    monkeypatch.delenv("SITUATION_USERS", raising=False)
    at = AppTest.from_function(private_page).run()
    assert not at.exception and at.warning[0].value.startswith("CHẾ ĐỘ THỬ")
    monkeypatch.setenv("SITUATION_DEMO", "0")
    at = AppTest.from_function(private_page).run()
    assert not at.exception and not at.warning
