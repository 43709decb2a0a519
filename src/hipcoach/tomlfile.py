"""Reading a user's file (TOML, or JSON) with messages that say what to do when it is missing,
too big or malformed.

Only the first MAX_USER_FILE bytes are ever read: a profile or a log is a few KiB, and a path that
names a device or a pipe (a link to /dev/zero, say) must not fill the memory. Nesting deep enough
to exhaust Python's recursion is refused like any other syntax error.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from hipcoach.errors import UserError, shorten

MAX_USER_FILE = 2**20  # 1 MiB: hundreds of times a real profile or a season's log


def read_user_bytes(path: str | Path, what: str, how_to_make: str, limit: int = MAX_USER_FILE) -> bytes:
    """The file's bytes, at most `limit` of them (more is refused, not cut)."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            data = f.read(limit + 1)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise UserError(f"{what} file not found: {shorten(path, 200)}", how_to_make) from None
    except OSError as exc:
        raise UserError(f"Cannot read {shorten(path, 200)}: {exc.strerror or exc}", how_to_make) from None
    if len(data) > limit:
        raise UserError(
            f"{shorten(path, 200)} is larger than {limit // 2**10} KiB, "
            f"far more than any {what.lower()} file.",
            f"Check that this is the right file. {how_to_make}",
        )
    return data


def read_user_text(path: str | Path, what: str, how_to_make: str, limit: int = MAX_USER_FILE) -> str:
    data = read_user_bytes(path, what, how_to_make, limit)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(
            f"{shorten(path, 200)} is not UTF-8 text (byte {exc.start}).", f"Save it as UTF-8. {how_to_make}"
        ) from None


def read_user_toml(path: str | Path, what: str, how_to_make: str) -> dict:
    text = read_user_text(path, what, how_to_make)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UserError(
            f"{shorten(path, 200)} is not valid TOML: {shorten(exc, 200)}", f"Fix the syntax. {how_to_make}"
        ) from None
    except RecursionError:
        message = f"{shorten(path, 200)} nests arrays or tables too deeply to read."
        raise UserError(message, f"Fix the syntax. {how_to_make}") from None
