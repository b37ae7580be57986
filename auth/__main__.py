"""python -m auth hash | check [--config PATH]: make a password hash for the users file, or check the file."""
from __future__ import annotations

import argparse
import getpass
import sys

import auth


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m auth", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("hash", help="ask for a password twice and print its bcrypt hash")
    check = commands.add_parser("check", help="load the users file and list its users")
    check.add_argument("--config", default=None, help=f"users file (default ${auth.ENV_VAR}; in demo mode "
                                                        "config/users.toml)")
    check.add_argument(auth.DEMO_FLAG, action="store_true", help="demo mode: accept the demo accounts")
    args = parser.parse_args(argv)

    if args.command == "hash":
        password = getpass.getpass("Mật khẩu / password: ")
        if password != getpass.getpass("Nhập lại / again: "):
            print("error: the two passwords differ", file=sys.stderr)
            return 2
        try:
            print(auth.hash_password(password))
        except ValueError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        return 0
    if args.demo:
        auth.enable_demo()
    try:
        config = auth.load(args.config)
    except auth.ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if config.path is None:
        print(f"error: no users file: set ${auth.ENV_VAR}, or use {auth.DEMO_FLAG} for the demo accounts", file=sys.stderr)
        return 2
    print(f"{config.path}: public_viewing = {str(config.public_viewing).lower()}")
    for user in config.users.values():
        print(f"  {user.name}: {user.role}" + (f" (province {user.province_code})" if user.province_code else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
