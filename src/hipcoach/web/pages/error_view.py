"""What an error page says: a heading in plain words, the message and its hint, and a link to carry on.

Pure: the handlers hand in the status, the words and the viewer's role, and render what comes back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from http import HTTPStatus


@dataclass(frozen=True)
class ErrorView:
    status: int
    heading: str
    message: str
    hint: str
    next_href: str
    next_label: str


HEADINGS = {
    400: "That request could not be read",
    401: "Sign in first",
    403: "That was refused",
    404: "We could not find that",
    405: "That cannot be done at this address",
    409: "That cannot be done now",
    413: "That upload is too large",
    422: "That could not be used",
    500: "Something went wrong on our side",
}
NO_PAGE = ("There is no page at this address.", "The link may be old or mistyped.")
# Starlette's own refusals carry only the reason phrase ("Not Found"); a person gets a sentence.
PLAIN = {
    404: NO_PAGE,
    405: ("This address does not take that kind of request.", "Open it from a link or a form in hipcoach."),
}
NOTHING_LOST = (
    "This went wrong on the server, not because of anything you did.",
    "Nothing you saved before was lost. If you were sending a form, it may not have been saved: go back, "
    "reload the page to see, and send it again if it is missing.",
)


def carry_on(role: str | None) -> tuple[str, str]:
    """Where each kind of user picks up again; someone signed out starts at the sign-in page."""
    if role == "runner":
        return "/programme", "Go to your programme"
    if role == "coach":
        return "/coach", "Go to your athletes"
    return "/login", "Sign in"


def error_view(status: int, message: str, hint: str, role: str | None) -> ErrorView:
    heading = HEADINGS.get(status, "That did not work")
    return ErrorView(status, heading, message, hint, *carry_on(role))


def http_error_words(status: int, detail: object) -> tuple[str, str]:
    """(message, hint) for an HTTPException: its own sentence, or plain words for a bare reason phrase."""
    text = detail if isinstance(detail, str) else ""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    if text and text != phrase:
        return text, ""
    return PLAIN.get(status, ("The request was refused.", "Go back and try again."))


def validation_words(errors: Sequence[dict]) -> tuple[int, str, str]:
    """(status, message, hint) for a request FastAPI could not parse. A bad part of the address (an id
    that is not a number, say) names no page: 404. Anything else was sent by a form: 422."""
    if errors and all(tuple(e.get("loc", ()))[:1] == ("path",) for e in errors):
        return 404, *NO_PAGE
    return 422, "Some of what was sent could not be read.", "Go back, check the form and send it again."


def too_large_view(limit_bytes: int, form_href: str) -> ErrorView:
    return ErrorView(
        413,
        "That video is too large",
        f"The upload is larger than the limit of {size_words(limit_bytes)}. Nothing was saved.",
        "Trim the video to the part that shows the exercise, or film at a lower resolution, and upload "
        "it again.",
        form_href,
        "Back to the upload form",
    )


def backup_too_large_view(limit_bytes: int) -> ErrorView:
    return ErrorView(
        413,
        "That file is too large",
        f"The file is larger than the backup limit of {size_words(limit_bytes)}. Nothing was imported.",
        "Choose the hipcoach-backup.json file that exporting your data wrote.",
        "/data",
        "Back to your data",
    )


def server_error_view(role: str | None) -> ErrorView:
    return error_view(500, *NOTHING_LOST, role)


def size_words(n: int) -> str:
    if n >= 2**20:
        return f"{n / 2**20:.0f} MiB"
    if n >= 2**10:
        return f"{n / 2**10:.0f} KiB"
    return f"{n} bytes"
