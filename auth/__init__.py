"""Who may do what: users and roles from a TOML file with bcrypt password hashes.

Pure (no streamlit), so the page, the command line and the tests share it. Roles:
``viewer`` reads, ``clerk`` uploads for one province, ``admin`` uploads for any province,
sees every upload and rolls uploads back. Passwords are checked with the bcrypt
library; none is ever stored or compared in clear.

The file is ``config/users.toml`` (demo accounts only) unless ``$SITUATION_USERS``
points at a real one; make a hash with ``python -m auth hash``.
"""
from __future__ import annotations

import os
import time
import tomllib
import unicodedata
from collections import defaultdict, deque
from dataclasses import dataclass
from pathlib import Path

import bcrypt

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "config" / "users.toml"
ENV_VAR = "SITUATION_USERS"
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
    path: Path

    @property
    def is_demo(self) -> bool:
        """True while the committed demo accounts are in use (the page warns)."""
        return self.path.resolve() == DEFAULT_CONFIG.resolve()


def config_path() -> Path:
    return Path(os.environ.get(ENV_VAR) or DEFAULT_CONFIG)


def load(path: Path | str | None = None) -> Config:
    """Read and check the users file; raises ConfigError naming the problem."""
    path = Path(path or config_path())
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
    return Config(users, hashes, public, path)


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
    """
    name = name.strip()
    secret = _password_bytes(password)
    digest = config.hashes.get(name) or next(iter(config.hashes.values()), None)
    if digest is None or not secret or len(secret) > MAX_PASSWORD_BYTES:
        return None
    return config.users[name] if bcrypt.checkpw(secret, digest) and name in config.users else None


class Throttle:
    """Refuse a name after `limit` failed logins within `window` seconds (in this process)."""

    def __init__(self, limit: int = 5, window: float = 300.0, clock=time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def _recent(self, name: str) -> deque[float]:
        failures = self._failures[name]
        while failures and self.clock() - failures[0] > self.window:
            failures.popleft()
        return failures

    def allowed(self, name: str) -> bool:
        return len(self._recent(name)) < self.limit

    def failed(self, name: str) -> None:
        self._recent(name).append(self.clock())

    def succeeded(self, name: str) -> None:
        self._failures.pop(name, None)
