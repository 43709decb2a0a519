"""Refusals the store raises; the web layer turns them into 404, 403 and 409 with the same message."""

from hipcoach.errors import UserError


class NotFound(UserError):
    """Missing, or not the actor's to see: the two look the same so ids of others' data leak nothing."""


class Forbidden(UserError):
    """The actor is known to be the wrong kind of user for this action (a coach logging sets, say)."""


class Conflict(UserError):
    """The request clashes with what is already saved; nothing was changed."""
