"""Login and roles: the users file, bcrypt passwords, who may write where, demo mode, and the login backoff."""
from __future__ import annotations

import unicodedata

import pytest

import auth
from auth import __main__ as auth_cli

DEMO = {"quantri": "quantri-demo", "canbo_dienbien": "dienbien-demo", "xem": "xem-demo"}


@pytest.fixture
def demo(monkeypatch):
    monkeypatch.setenv(auth.DEMO_ENV_VAR, "1")
    return auth.load(auth.DEFAULT_CONFIG)


@pytest.fixture(autouse=True)
def no_demo_mode(monkeypatch):
    """Tests start outside demo mode, whatever the environment of the run."""
    monkeypatch.setenv(auth.DEMO_ENV_VAR, "0")


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


def test_outside_demo_mode_there_are_no_users_and_the_demo_accounts_are_refused(tmp_path, monkeypatch):
    monkeypatch.delenv(auth.ENV_VAR, raising=False)
    config = auth.load()
    assert config.path is None and not config.users and config.public_viewing and not config.is_demo
    with pytest.raises(auth.ConfigError, match="demo mode"):
        auth.load(auth.DEFAULT_CONFIG)
    copy = tmp_path / "elsewhere" / "users.toml"  # the published hashes, wherever the file lives
    copy.parent.mkdir()
    copy.write_bytes(auth.DEFAULT_CONFIG.read_bytes())
    monkeypatch.setenv(auth.ENV_VAR, str(copy))
    with pytest.raises(auth.ConfigError, match="quantri"):
        auth.load()


def test_a_demo_password_given_a_fresh_hash_still_fails_outside_demo_mode(tmp_path, quick_hashes, monkeypatch):
    path = write_users(tmp_path, f'[users.quantri]\nrole = "admin"\npassword_hash = "{auth.hash_password("quantri-demo")}"\n')
    assert auth.authenticate(auth.load(path), "quantri", "quantri-demo") is None
    monkeypatch.setenv(auth.DEMO_ENV_VAR, "1")
    assert auth.authenticate(auth.load(path), "quantri", "quantri-demo").name == "quantri"


def test_demo_mode_is_explicit(monkeypatch):
    monkeypatch.delenv(auth.ENV_VAR, raising=False)
    assert not auth.demo_mode() and auth.config_path() is None
    monkeypatch.setattr("sys.argv", ["app.py", "--demo"])  # streamlit run app.py -- --demo
    assert auth.demo_mode() and auth.config_path() == auth.DEFAULT_CONFIG and auth.load().is_demo


def test_an_attacker_cannot_lock_the_admin_out(tmp_path):
    """Hundreds of wrong passwords for the admin from one client, then from many: the attacker waits longer
    and longer, the admin's own browser logs in at once, and the backoff survives a restart."""
    now = [1_000_000.0]
    path = auth.guard_path(tmp_path / "situation.duckdb")
    guard = auth.LoginGuard(path, clock=lambda: now[0])
    guard.succeeded("quantri", "10.0.0.5", device="admin-browser")   # the admin signed in here last week
    for _ in range(200):
        guard.failed("quantri", "203.0.113.9", known=True)
    assert guard.wait("quantri", "203.0.113.9") == auth.LoginGuard.CLIENT_MAX_WAIT
    assert guard.wait("xem", "203.0.113.9") > 0                       # the attacker's client, for any account
    for address in range(50):                                          # a botnet: one try from each address
        guard.failed("quantri", f"198.51.100.{address}", known=True)
    restarted = auth.LoginGuard(path, clock=lambda: now[0])            # a new process reads the same file
    assert restarted.wait("quantri", "203.0.113.9") > 0
    assert restarted.wait("quantri", "10.0.0.5", device="admin-browser") == 0  # the admin is never slowed
    assert 0 < restarted.wait("quantri", "192.0.2.1") <= auth.LoginGuard.ACCOUNT_MAX_WAIT  # a stranger: slowed only
    assert restarted.wait("xem", "192.0.2.1") == 0                     # other accounts are not affected
    now[0] += auth.LoginGuard.ACCOUNT_MAX_WAIT + 1
    assert restarted.wait("quantri", "192.0.2.1") == 0                 # a wait, never a lock
    restarted.succeeded("quantri", "192.0.2.1", device="laptop")
    assert restarted.wait("quantri", "192.0.2.1") == 0
    assert "203.0.113.9" not in path.read_text()                       # addresses are kept as hashes


def test_the_backoff_holds_in_memory_where_its_file_cannot_be_written(tmp_path):
    blocked = tmp_path / "a_file"
    blocked.write_text("")
    guard = auth.LoginGuard(blocked / "situation.logins.json")  # its folder is a file: nothing can be written
    for _ in range(auth.LoginGuard.CLIENT_FREE + 3):
        guard.failed("quantri", "203.0.113.9", known=True)
    assert guard.wait("quantri", "203.0.113.9") > 0 and guard.wait("quantri", "192.0.2.1") == 0


def test_a_damaged_backoff_file_never_stops_a_login(tmp_path):
    path = auth.guard_path(tmp_path / "x.duckdb")
    for damaged in ('{"clients": {"x": 5}, "accounts": {"quantri": {"failures": "many"}}}', "not json", "[1]"):
        path.write_text(damaged)
        guard = auth.LoginGuard(path)
        assert guard.wait("quantri", "x") == 0
        guard.failed("quantri", "x", known=True)
        guard.succeeded("quantri", "x", device="d")


def test_unknown_names_are_not_kept(tmp_path):
    guard = auth.LoginGuard(auth.guard_path(tmp_path / "x.duckdb"))
    for index in range(30):
        guard.failed(f"name{index}", "192.0.2.7", known=False)
    assert "name1" not in guard.path.read_text()
    assert guard.wait("name1", "192.0.2.8") == 0


def test_the_check_command_lists_the_users(capsys):
    assert auth_cli.main(["check", "--config", str(auth.DEFAULT_CONFIG)]) == 2
    assert "demo mode" in capsys.readouterr().err
    assert auth_cli.main(["check", "--config", str(auth.DEFAULT_CONFIG), "--demo"]) == 0
    out = capsys.readouterr().out
    assert "canbo_dienbien: clerk (province 11)" in out and "public_viewing = true" in out
