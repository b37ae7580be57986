"""Login and roles: the users file, bcrypt passwords, who may write where, and the login throttle."""
from __future__ import annotations

import unicodedata

import pytest

import auth
from auth import __main__ as auth_cli

DEMO = {"quantri": "quantri-demo", "canbo_dienbien": "dienbien-demo", "xem": "xem-demo"}


@pytest.fixture(scope="module")
def demo():
    return auth.load(auth.DEFAULT_CONFIG)


@pytest.fixture
def quick_hashes(monkeypatch):
    """Cheap hashes for files the tests write (the demo file keeps the real cost)."""
    monkeypatch.setattr(auth, "BCRYPT_ROUNDS", 4)


def write_users(tmp_path, body: str):
    path = tmp_path / "users.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_the_demo_file_has_an_admin_a_clerk_of_province_11_and_a_viewer(demo):
    roles = {name: (user.role, user.province_code) for name, user in demo.users.items()}
    assert roles == {"quantri": ("admin", None), "canbo_dienbien": ("clerk", "11"), "xem": ("viewer", None)}
    assert demo.public_viewing and demo.is_demo


def test_the_documented_demo_passwords_work(demo):
    for name, password in DEMO.items():
        assert auth.authenticate(demo, name, password).name == name
    assert auth.authenticate(demo, " canbo_dienbien ", "dienbien-demo").name == "canbo_dienbien"


@pytest.mark.parametrize("name, password", [
    ("quantri", "dienbien-demo"), ("quantri", ""), ("khong_co", "quantri-demo"), ("quantri", "Quantri-demo"),
    ("quantri", "x" * 100),
])
def test_wrong_logins_fail(demo, name, password):
    assert auth.authenticate(demo, name, password) is None


def test_passwords_are_compared_in_one_unicode_form(tmp_path, quick_hashes):
    path = write_users(tmp_path, f'[users.a]\nrole = "admin"\npassword_hash = "{auth.hash_password("Điện Biên")}"\n')
    config = auth.load(path)
    assert auth.authenticate(config, "a", unicodedata.normalize("NFD", "Điện Biên")) is not None


def test_roles_decide_who_writes_where(demo):
    admin, clerk, viewer = (demo.users[n] for n in ("quantri", "canbo_dienbien", "xem"))
    assert admin.may_write("11") and admin.may_write("22") and admin.can_administer
    assert clerk.may_write("11") and not clerk.may_write("12") and not clerk.may_write(None)
    assert clerk.can_upload and not clerk.can_administer
    assert not viewer.can_upload and not viewer.may_write("11")


def test_the_hash_is_bcrypt_and_never_the_password(quick_hashes):
    digest = auth.hash_password("mật khẩu")
    assert digest.startswith("$2b$04$") and "mật khẩu" not in digest
    with pytest.raises(ValueError):
        auth.hash_password("")
    with pytest.raises(ValueError):
        auth.hash_password("x" * 73)


@pytest.mark.parametrize("body, complaint", [
    ('[users.a]\nrole = "boss"\npassword_hash = "$2b$04$abc"\n', "role"),
    ('[users.a]\nrole = "clerk"\npassword_hash = "$2b$04$abc"\n', "province_code"),
    ('[users.a]\nrole = "clerk"\nprovince_code = 11\npassword_hash = "$2b$04$abc"\n', "province_code"),
    ('[users.a]\nrole = "admin"\npassword_hash = "secret"\n', "bcrypt"),
    ('[users.a]\nrole = "admin"\n', "bcrypt"),
    ('[access]\npublic_viewing = "yes"\n', "public_viewing"),
    ("[users.a\n", "users.toml"),
])
def test_a_wrong_users_file_is_refused_with_the_reason(tmp_path, body, complaint):
    with pytest.raises(auth.ConfigError, match=complaint):
        auth.load(write_users(tmp_path, body))


def test_the_environment_points_at_a_real_users_file(tmp_path, monkeypatch, quick_hashes):
    path = write_users(tmp_path, '[access]\npublic_viewing = false\n\n[users.lc]\nrole = "clerk"\n'
                                 f'province_code = "12"\npassword_hash = "{auth.hash_password("pw")}"\n')
    monkeypatch.setenv(auth.ENV_VAR, str(path))
    config = auth.load()
    assert config.path == path and not config.is_demo and not config.public_viewing
    assert auth.authenticate(config, "lc", "pw").may_write("12")
    monkeypatch.setenv(auth.ENV_VAR, str(tmp_path / "missing.toml"))
    with pytest.raises(auth.ConfigError, match="no such users file"):
        auth.load()


def test_the_throttle_stops_guessing_then_forgets():
    now = [0.0]
    throttle = auth.Throttle(limit=3, window=60, clock=lambda: now[0])
    for _ in range(3):
        assert throttle.allowed("quantri")
        throttle.failed("quantri")
    assert not throttle.allowed("quantri") and throttle.allowed("xem")
    now[0] = 61.0
    assert throttle.allowed("quantri")
    throttle.failed("quantri")
    throttle.succeeded("quantri")
    assert len(throttle._recent("quantri")) == 0


def test_the_check_command_lists_the_users(capsys):
    assert auth_cli.main(["check", "--config", str(auth.DEFAULT_CONFIG)]) == 0
    out = capsys.readouterr().out
    assert "canbo_dienbien: clerk (province 11)" in out and "public_viewing = true" in out
