"""Reading a user's TOML file with messages that say what to do when it is missing or malformed."""

from __future__ import annotations

import tomllib
from pathlib import Path

from hipcoach.errors import UserError


def read_user_toml(path: str | Path, what: str, how_to_make: str) -> dict:
    path = Path(path)
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except (FileNotFoundError, IsADirectoryError):
        raise UserError(f"{what} file not found: {path}", how_to_make) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"{path} is not valid TOML: {exc}", f"Fix the syntax. {how_to_make}") from None
