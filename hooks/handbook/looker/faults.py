"""How the Looker pull words what went wrong, and what it kept instead.

Every fault of a Looker pull is a `PullError` from `SOURCE` ("looker"), which scrubs
secrets from its message. A 200 whose body we cannot read is a `MalformedAnswer`, always
worded "Looker answered <where> with <what>" (`malformed`). A request given up because
another one failed says so in one sentence (`abandoned`). Looker refuses what the API
user may not read with 403, or 404 where it hides that the thing exists (`is_refusal`):
for an optional part that is a missing permission to name, not a fault. A part the pull
could not read now and kept from an earlier pull says from when (`kept_from_earlier`), in
the package's one time format (`handbook.timefmt`).
"""

from __future__ import annotations

from datetime import datetime

from handbook.errors import PullError
from handbook.timefmt import utc_minute

SOURCE = "looker"
# What `malformed` says of a body that does not parse.
NOT_JSON = "a body that is not JSON (cut short?)"


class MalformedAnswer(PullError):
    """Looker answered 200 with a body we cannot read (cut short, not JSON, wrong shape).

    Unlike an HTTP fault the transport never sees it, so callers that can (System
    Activity's queries) ask again before giving up.
    """


def malformed(where: str, what: str) -> MalformedAnswer:
    """Looker answered `where` ("GET /folders") with `what` ("something not a list")."""
    return MalformedAnswer(SOURCE, f"Looker answered {where} with {what}")


def is_refusal(exc: PullError) -> bool:
    """Looker refused the API user: HTTP 403, or 404 for what it may not see."""
    return exc.status in (403, 404)


def abandoned() -> PullError:
    """A request stopped because another request of the same pull failed."""
    return PullError(SOURCE, "pull abandoned after another request failed")


def kept_from_earlier(what: str, pulled_at: datetime | None, *, none: str, lost: str = "") -> str:
    """What a pull says of a part it kept: `the <what> are kept from the pull at <time>`.

    Without an earlier pull to keep it from (`pulled_at` None): `there was no earlier
    <none> to keep`, then `lost` (what that leaves the snapshot without), if given.
    """
    if pulled_at is None:
        return f"there was no earlier {none} to keep{lost}"
    return f"the {what} are kept from the pull at {utc_minute(pulled_at)}"
