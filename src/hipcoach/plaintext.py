"""Text people type (names, notes, email addresses), checked where it enters: what is stored is what
a coach, a calendar or a spreadsheet will show, so nothing invisible may ride along.

- A name is one line: runs of spaces, tabs and line breaks become one space, and the ends are trimmed,
  so "   " is empty (and refused) rather than a name nobody can see.
- A name needs a character that shows: one of only zero-width spaces, byte-order marks, soft hyphens
  or the "filler" letters that draw nothing (U+3164, U+2800...) is as empty as one of spaces. Such
  characters inside a name that shows are kept (a joiner inside an emoji is one of them).
- Control characters (NUL, escape, bell...) and the bidirectional embedding, override and isolate
  marks are refused, not removed: a right-to-left override makes "gpj.exe" read as "exe.jpg", and
  silently dropping characters would store something other than what was typed. Zero-width joiners,
  which emoji and several scripts need, are kept.
- An email address needs a name, one @ and a domain with a dot ("a@b" is not an address anyone can
  sign in with again).

Each check raises ValueError with a sentence that says what to change; pydantic turns it into a 422
naming the field (the API) or a message beside it (the pages).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, Field

# Bidirectional formatting characters that reorder what follows them (LRE, RLE, PDF, LRO, RLO, LRI,
# RLI, FSI, PDI). The plain direction marks (U+200E, U+200F) reorder nothing and are kept.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_EMAIL = re.compile(r"^[^@\s]{1,64}@(?=[^@\s]{1,253}$)([^@\s.]+\.)+[^@\s.\d][^@\s.]*$")


def _refuse_hidden(text: str, allowed: str = "") -> None:
    for ch in text:
        if ch in allowed:
            continue
        if ch in _BIDI_CONTROLS:
            raise ValueError(
                f"contains the invisible text-direction character U+{ord(ch):04X}; type it again without it"
            )
        if unicodedata.category(ch) == "Cc":
            raise ValueError(f"contains the control character U+{ord(ch):04X}; type it again without it")


def one_line(value: str) -> str:
    """A name or title: whitespace runs made one space, ends trimmed; empty or hidden characters refused."""
    _refuse_hidden(value, allowed="\t\n\r")
    line = " ".join(value.split())
    if not line:
        raise ValueError("is empty (only spaces); type a name")
    if not shows(line):
        raise ValueError("has nothing visible (only invisible characters); type a name")
    return line


def shows(text: str) -> bool:
    """Whether the text has a character that draws something (not a space, not an invisible one)."""
    return _SHOWS.search(text) is not None


def note_text(value: str) -> str:
    """Free text over several lines: line breaks kept (as \\n), trailing spaces and the ends trimmed;
    hidden characters refused. May be empty."""
    _refuse_hidden(value, allowed="\t\n\r")
    lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def email_address(value: str) -> str:
    """An address as typed, trimmed; refused without a name, an @ and a domain with a dot."""
    address = value.strip()
    _refuse_hidden(address)
    if not _EMAIL.match(address):
        raise ValueError("is not an email address; it looks like name@example.org")
    return address


# The same rules as JSON Schema patterns, so OpenAPI says what is refused (a client, or a fuzzer reading
# the document, can tell a valid value before sending it): no control character but tab and line breaks,
# no text-direction control; a name has something besides spaces; an address is as _EMAIL reads it.
_HIDDEN = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
# Characters that draw nothing though they are not spaces: soft hyphen, combining grapheme joiner,
# Arabic letter mark, Hangul and halfwidth fillers, Khmer inherent vowels, Mongolian selectors, the
# zero-width spaces, joiners and marks, word joiners and invisible operators, deprecated format marks,
# the Braille blank, variation selectors, the byte-order mark.
_INVISIBLE = (
    r"\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2060-\u2064"
    r"\u206a-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0"
)
_SHOWS = re.compile(rf"[^\s{_HIDDEN}{_INVISIBLE}]")
ONE_LINE_PATTERN = rf"^[^{_HIDDEN}]*[^\s{_HIDDEN}{_INVISIBLE}][^{_HIDDEN}]*$"
NOTE_PATTERN = rf"^[^{_HIDDEN}]*$"
_NO = r"@\s\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
EMAIL_PATTERN = rf"^\s*[^{_NO}]{{1,64}}@([^{_NO}.]+\.)+[^{_NO}.\d][^{_NO}.]*\s*$"

OneLine = Annotated[str, AfterValidator(one_line), Field(json_schema_extra={"pattern": ONE_LINE_PATTERN})]
NoteText = Annotated[str, AfterValidator(note_text), Field(json_schema_extra={"pattern": NOTE_PATTERN})]
EmailAddress = Annotated[
    str, AfterValidator(email_address), Field(json_schema_extra={"pattern": EMAIL_PATTERN})
]
