"""Errors the user can act on: the CLI prints them without a traceback and exits with status 2."""


class UserError(Exception):
    """A problem with the user's input, with what went wrong and what to do about it."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n{self.hint}" if self.hint else self.message


def shorten(text: object, limit: int = 80) -> str:
    """`text` (or its str) cut to its first `limit` characters and an ellipsis: a message quoting
    what the user sent stays readable, however long the value was."""
    text = str(text)
    return text if len(text) <= limit else text[:limit] + "…"
