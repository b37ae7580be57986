"""Who may do what: users and roles from a TOML file with bcrypt password hashes.

Pure (no streamlit), so the page, the command line and the tests share it. Roles:
``viewer`` reads, ``clerk`` uploads for one province, ``admin`` uploads for any province,
sees every upload and rolls uploads back. Passwords are checked with the bcrypt
library; none is ever stored or compared in clear.

The file is ``$SITUATION_USERS``; make a hash with ``python -m auth hash``. The demo
accounts of ``config/users.toml`` (passwords published in the README) work only in
explicit demo mode (``--demo`` or ``SITUATION_DEMO=1``); outside it their hashes and
passwords are refused wherever the file lives.

Failed logins are slowed by `LoginGuard`, a backoff per client and per account kept in a
small JSON file next to the database (or, on several servers, in their shared store), so a
restart does not reset it and an attacker cannot lock a user out (see its docstring).
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import sys
import time
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import bcrypt

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "config" / "users.toml"
ENV_VAR = "SITUATION_USERS"
DEMO_ENV_VAR = "SITUATION_DEMO"
DEMO_FLAG = "--demo"
DEMO_PASSWORDS = ("quantri-demo", "dienbien-demo", "xem-demo")  # published in the README
VIEWER, CLERK, ADMIN = "viewer", "clerk", "admin"
ROLES = (VIEWER, CLERK, ADMIN)
BCRYPT_ROUNDS = 12
MAX_PASSWORD_BYTES = 72  # bcrypt reads no further; longer passwords are refused rather than cut


class ConfigError(ValueError):
    """The users file is missing or wrong; the message says where."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    province_code: str | None = None   # a clerk's province; None for viewers and admins
    display_name: str = ""

    @property
    def can_upload(self) -> bool:
        return self.role in (CLERK, ADMIN)

    @property
    def can_administer(self) -> bool:
        return self.role == ADMIN

    def may_write(self, province_code: str | None) -> bool:
        """Admins write any province; a clerk only their own."""
        return self.role == ADMIN or (self.role == CLERK and province_code == self.province_code)


@dataclass(frozen=True)
class Config:
    users: dict[str, User]
    hashes: dict[str, bytes]
    public_viewing: bool     # False: the viewing pages need a login too
    path: Path | None        # None: no users file (outside demo mode without $SITUATION_USERS)
    demo: bool = False       # demo mode: the published demo accounts may log in (every page says so)

    @property
    def is_demo(self) -> bool:
        """True while the published demo accounts can log in (the page header warns)."""
        return self.demo and any(digest in demo_hashes() for digest in self.hashes.values())


def demo_mode() -> bool:
    """Demo mode is explicit: $SITUATION_DEMO=1, or --demo on the command line:
    `streamlit run serve.py -- --demo`."""
    return os.environ.get(DEMO_ENV_VAR, "").strip().lower() in ("1", "true", "yes") or DEMO_FLAG in sys.argv[1:]


def enable_demo() -> None:
    """For command lines given --demo: demo mode for this process."""
    os.environ[DEMO_ENV_VAR] = "1"


def config_path() -> Path | None:
    """The users file: $SITUATION_USERS; else the demo file in demo mode; else none."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    return DEFAULT_CONFIG if demo_mode() else None


def demo_hashes() -> frozenset[bytes]:
    """The published hashes of the demo accounts (those of config/users.toml)."""
    with DEFAULT_CONFIG.open("rb") as f:
        users = tomllib.load(f).get("users", {})
    return frozenset(str(entry.get("password_hash", "")).encode() for entry in users.values())


def load(path: Path | str | None = None) -> Config:
    """Read and check the users file; raises ConfigError naming the problem.

    Without a file (no $SITUATION_USERS, not in demo mode) nobody can log in and viewing is public.
    Outside demo mode a file holding a published demo hash is refused, wherever it lives."""
    demo = demo_mode()
    path = path or config_path()
    if path is None:
        return Config({}, {}, True, None, demo)
    path = Path(path)
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such users file (set ${ENV_VAR} or create config/users.toml)") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: {error}") from None
    users, hashes = {}, {}
    for name, entry in data.get("users", {}).items():
        role = entry.get("role")
        if role not in ROLES:
            raise ConfigError(f"{path}: user {name!r} has role {role!r}; expected one of {', '.join(ROLES)}")
        province = entry.get("province_code")
        if role == CLERK and not (isinstance(province, str) and province.isdigit() and len(province) == 2):
            raise ConfigError(f"{path}: clerk {name!r} needs province_code, two digits as text (e.g. \"11\")")
        digest = str(entry.get("password_hash", "")).encode()
        if not digest.startswith((b"$2a$", b"$2b$", b"$2y$")):
            raise ConfigError(f"{path}: user {name!r} needs password_hash, a bcrypt hash (python -m auth hash)")
        users[name] = User(name, role, province if role == CLERK else None, entry.get("display_name", name))
        hashes[name] = digest
    public = data.get("access", {}).get("public_viewing", True)
    if not isinstance(public, bool):
        raise ConfigError(f"{path}: [access] public_viewing must be true or false")
    published = sorted(name for name, digest in hashes.items() if digest in demo_hashes())
    if published and not demo:
        raise ConfigError(f"{path}: users {', '.join(published)} have the demo passwords published in the README; "
                          f"they work only in demo mode ({DEMO_FLAG} or {DEMO_ENV_VAR}=1). Give them new hashes "
                          "(python -m auth hash) or remove them.")
    return Config(users, hashes, public, path, demo)


def _password_bytes(password: str) -> bytes:
    return unicodedata.normalize("NFC", password).encode("utf-8")


def hash_password(password: str) -> str:
    """A bcrypt hash for the users file."""
    secret = _password_bytes(password)
    if not secret or len(secret) > MAX_PASSWORD_BYTES:
        raise ValueError(f"a password must be 1 to {MAX_PASSWORD_BYTES} bytes long")
    return bcrypt.hashpw(secret, bcrypt.gensalt(BCRYPT_ROUNDS)).decode()


def authenticate(config: Config, name: str, password: str) -> User | None:
    """The user when name and password match, else None.

    An unknown name is checked against another user's hash (and refused whatever the
    result), so a wrong name costs as long as a wrong password and names cannot be probed.
    Outside demo mode the published demo passwords never log in, whatever hash a file gives them.
    """
    name = name.strip()
    secret = _password_bytes(password)
    digest = config.hashes.get(name) or next(iter(config.hashes.values()), None)
    if digest is None or not secret or len(secret) > MAX_PASSWORD_BYTES:
        return None
    matches = bcrypt.checkpw(secret, digest) and name in config.users
    if matches and not config.demo and password in DEMO_PASSWORDS:
        return None
    return config.users[name] if matches else None


class LoginGuard:
    """Backoff after failed logins, per client and per account, kept in a JSON file (survives restarts).

    A client (an IP address, or "cli") that keeps failing waits longer and longer (doubling
    after CLIENT_FREE failures, at most CLIENT_MAX_WAIT seconds). An account that keeps failing
    from anywhere makes new clients wait too (after ACCOUNT_FREE failures, at most
    ACCOUNT_MAX_WAIT). Neither ever locks the account: a device that has logged in to the
    account before (its browser token) is never slowed for it, so an attacker hammering
    the admin's name slows only themselves and strangers, never the admin. Clients and
    devices are stored as hashes; failures are forgotten after FORGET_AFTER seconds.
    """

    CLIENT_FREE, CLIENT_MAX_WAIT = 5, 300.0
    ACCOUNT_FREE, ACCOUNT_MAX_WAIT = 20, 60.0
    FORGET_AFTER = 24 * 3600.0
    MAX_ENTRIES = 10_000
    TRUSTED_PER_ACCOUNT = 20

    def __init__(self, path: Path | str | None, clock=time.time, shared=None):
        self.path = Path(path) if path else None
        self.clock = clock
        # Where several servers share a store (data.store): the state lives there instead of the file. It has
        # read() -> the state as stored (None: none, or unreachable) and update(), a context manager yielding
        # {"found": state as stored}, that stores the "state" put in it (one caller at a time).
        self.shared = shared
        self._memory: dict = {}  # the last state written: used when there is no file, or it cannot be written
        self._unwritable = False

    @staticmethod
    def _hash(text: str | None) -> str | None:
        return hashlib.sha256(text.encode()).hexdigest()[:32] if text else None

    def _wait(self, entry: dict | None, free: int, limit: float) -> float:
        if not entry or entry["failures"] < free:
            return 0.0
        delay = min(2.0 ** (entry["failures"] - free), limit)
        return max(0.0, entry["last"] + delay - self.clock())

    def wait(self, name: str, client: str | None, device: str | None = None) -> float:
        """Seconds before `client` may try `name` again (0: now)."""
        state = self._read()
        if self._hash(device) in state["trusted"].get(name, []):
            return 0.0
        return max(self._wait(state["clients"].get(self._hash(client or "-")), self.CLIENT_FREE, self.CLIENT_MAX_WAIT),
                   self._wait(state["accounts"].get(name), self.ACCOUNT_FREE, self.ACCOUNT_MAX_WAIT))

    def failed(self, name: str, client: str | None, known: bool) -> None:
        """Count a failure for the client, and for the account when it exists (unknown names cost nothing to keep)."""
        with self._update() as state:
            now = self.clock()
            for table, key in (("clients", self._hash(client or "-")), ("accounts", name if known else None)):
                if key is None:
                    continue
                entry = state[table].get(key)
                failures = entry["failures"] + 1 if entry and now - entry["last"] < self.FORGET_AFTER else 1
                state[table][key] = {"failures": failures, "last": now}

    def succeeded(self, name: str, client: str | None, device: str | None = None) -> None:
        """Clear the client's and the account's failures; remember the device as the account's own."""
        with self._update() as state:
            state["clients"].pop(self._hash(client or "-"), None)
            state["accounts"].pop(name, None)
            if device:
                trusted = [d for d in state["trusted"].get(name, []) if d != self._hash(device)]
                state["trusted"][name] = [*trusted, self._hash(device)][-self.TRUSTED_PER_ACCOUNT:]

    def _read(self) -> dict:
        return self._state_of(self.shared.read() if self.shared is not None else self._load())

    def _load(self):
        """The file's state as stored, or None (no file, unreadable)."""
        if self.path is None or self._unwritable or not self.path.exists():
            return None
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def _state_of(self, found) -> dict:
        """A stored state, checked; the last state this process wrote where there is none."""
        state = {"clients": {}, "accounts": {}, "trusted": {}}
        if not isinstance(found, dict):
            return state | self._memory
        for table in ("clients", "accounts"):  # a damaged entry is dropped, never an error at login
            entries = found.get(table) if isinstance(found.get(table), dict) else {}
            state[table] = {k: v for k, v in entries.items() if isinstance(v, dict) and isinstance(v.get("failures"), int)
                            and isinstance(v.get("last"), (int, float))}
        trusted = found.get("trusted") if isinstance(found.get("trusted"), dict) else {}
        state["trusted"] = {k: v for k, v in trusted.items() if isinstance(v, list)}
        return state

    def _pruned(self, state: dict) -> dict:
        """The state without forgotten failures, and at most MAX_ENTRIES of each kind (the newest)."""
        now = self.clock()
        for table in ("clients", "accounts"):
            entries = {k: v for k, v in state[table].items() if now - v["last"] < self.FORGET_AFTER}
            state[table] = dict(sorted(entries.items(), key=lambda kv: kv[1]["last"])[-self.MAX_ENTRIES:])
        return state

    @contextlib.contextmanager
    def _update(self):
        """Read, change and write the state under a lock (other processes wait): the shared store's, or a file's
        (atomic replace)."""
        if self.shared is not None:
            with self.shared.update() as box:
                state = self._state_of(box["found"])
                yield state
                self._memory = box["state"] = self._pruned(state)
            return
        lock = None
        if self.path is not None and not self._unwritable:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                lock = open(self.path.with_name(self.path.name + ".lock"), "a")
                fcntl.flock(lock, fcntl.LOCK_EX)
            except OSError:
                self._unwritable, lock = True, None
        try:
            state = self._read()
            yield state
            self._memory = state = self._pruned(state)
            if lock is not None:
                temporary = self.path.with_name(self.path.name + ".tmp")
                try:
                    temporary.write_text(json.dumps(state), encoding="utf-8")
                    os.replace(temporary, self.path)
                except OSError:
                    self._unwritable = True  # a read-only folder: the backoff still holds in this process
        finally:
            if lock is not None:
                lock.close()


def guard_path(database: Path | str) -> Path:
    """Where the login backoff is kept: next to the database (data/situation.duckdb -> data/situation.logins.json)."""
    database = Path(database)
    return database.with_name(database.stem + ".logins.json")
