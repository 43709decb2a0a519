"""The confirmation step of a destructive action, as a page of its own so it works without JavaScript.

The action's button posts to its URL without `confirm`; the handler answers with this page, whose form
posts again with confirm=yes (and, for deleting an account, the password). Only that second post acts.
"""

from __future__ import annotations

from fastapi import Request

from hipcoach.web.pages.render import render


def confirmed(form: dict) -> bool:
    return form.get("confirm") == "yes"


def confirm_page(
    request: Request,
    user,
    *,
    title: str,
    question: str,
    action: str,
    button: str,
    cancel: str,
    details: tuple[str, ...] = (),
    password: bool = False,
    error: str = "",
    status: int = 200,
    headers: dict | None = None,
):
    response = render(
        request, "confirm.html", status, user=user, title=title, question=question, action=action,
        button=button, cancel=cancel, details=details, password=password, error=error,
    )  # fmt: skip
    response.headers.update(headers or {})
    return response
