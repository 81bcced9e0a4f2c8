"""Looker's JSON rows as the snapshot's models, with the `fields=` projection each is asked by.

Every look, dashboard, folder, owner, board, explore and content-validator error the pull
keeps is mapped here, and nowhere else, from the answer's plain JSON (the SDK's models are
not used: some projections do not deserialize into them). Looker's answers are untrusted
and loosely typed, so the mappers share one reading of them: ids and optional text are
text or None (`nonempty_text`; `text_or_none` where an empty string is kept), an object's
id or text nested one level down is `nested`, ids sort as Looker's `sorts=id` does
(`id_sort_key`), and a row missing its id, or one the model rejects, is a `PullError`
naming what it was (`validated`, in the package's one wording of pydantic's errors,
`first_validation_error`). Each projection asks for exactly what its mapper reads, so
20,000 items stay a few megabytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from handbook.errors import PullError, first_validation_error
from handbook.looker.faults import SOURCE, malformed
from handbook.snapshot.model import (
    BrokenItem,
    ContentError,
    LookerBoard,
    LookerExplore,
    LookerField,
    LookerFolder,
    LookerItem,
)

Model = TypeVar("Model")  # a pydantic model or pydantic dataclass

FOLDER_FIELDS = "id,name,parent_id,is_personal,is_personal_descendant"
ITEM_FIELDS = (
    "id,title,description,folder_id,user_id,created_at,updated_at,last_viewed_at,"
    "view_count,favorite_count,deleted"
)
LOOK_FIELDS = ITEM_FIELDS + ",model(id)"
DELETED_FIELDS = "id,title,folder_id,deleted"
# FolderBase requires `name`, so the nested projection must ask for it too.
LOOKML_DASHBOARD_FIELDS = "id,title,description,folder(id,name),user_id,model(id)"
USER_FIELDS = "id,display_name,is_disabled"
BOARD_FIELDS = (
    "id,title,description,deleted_at,section_order,"
    "board_sections(id,title,description,deleted_at,item_order,"
    "board_items(id,look_id,dashboard_id,lookml_dashboard_id,order))"
)
# What `check-links --live` needs of a board: is it there, is it trashed, its title.
LIVE_BOARD_FIELDS = "id,title,deleted_at"
EXPLORE_FIELDS = (
    "name,label,description,"
    "fields(dimensions(name,label,description,type,category,hidden),"
    "measures(name,label,description,type,category,hidden),"
    "filters(name,label,description,type,category,hidden),"
    "parameters(name,label,description,type,category,hidden))"
)
VALIDATION_FIELDS = (
    "content_with_errors("
    "look(id),dashboard(id),dashboard_element(id,look_id,title),dashboard_filter(id,title),"
    "scheduled_plan(id,name,look_id),lookml_dashboard(id),"
    "lookml_dashboard_element(lookml_link_id,title),"
    "errors(message,field_name,model_name,explore_name))"
)
_CATEGORIES = {
    "dimensions": "dimension",
    "measures": "measure",
    "filters": "filter",
    "parameters": "parameter",
}
# Marks an item's `owner` that still holds a user id (see `item` and `with_owners`).
_USER_KEY = "\x00user:"


# ----------------------------------------------------------------------------- text and ids


def id_sort_key(value: str) -> tuple[int, int, str]:
    """Looker ids in Looker's `sorts=id` order: numbers numerically, then other text."""
    return (0, int(value), "") if value.isdigit() else (1, 0, value)


def text_or_none(value: object) -> str | None:
    """The value as text; None only for JSON null (an empty string stays empty)."""
    return None if value is None else str(value)


def nonempty_text(value: object) -> str | None:
    """The value as text; None for JSON null and the empty string (no id, no title)."""
    return None if value in (None, "") else str(value)


def nested(
    row: dict[str, Any],
    key: str,
    field: str = "id",
    text: Callable[[object], str | None] = nonempty_text,
) -> str | None:
    """`row[key][field]` as `text` reads it, or None when `row[key]` is not an object."""
    part = row.get(key)
    return text(part.get(field)) if isinstance(part, dict) else None


@cache
def _adapter(model: type[Model]) -> TypeAdapter[Model]:
    return TypeAdapter(model)


def validated(model: type[Model], data: dict[str, Any], what: str) -> Model:
    """`model` (a model, or a pydantic dataclass such as `LookerItem`) built from Looker's
    `data`, or a PullError naming what was unreadable."""
    try:
        return _adapter(model).validate_python(data)
    except ValidationError as exc:
        raise PullError(
            SOURCE, f"Looker sent an unreadable {what} {first_validation_error(exc)}"
        ) from None


def _required_id(row: dict[str, Any], what: str) -> str:
    found = nonempty_text(row.get("id"))
    if found is None:
        raise PullError(SOURCE, f"Looker returned a {what} without an id")
    return found


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


# ----------------------------------------------------------------------------- content


def item(
    kind: str, row: dict[str, Any], owners: dict[str, str] | None = None, *, deleted: bool = False
) -> LookerItem:
    """One look or dashboard of a search (ITEM_FIELDS, LOOK_FIELDS, DELETED_FIELDS) or of
    `all_dashboards` (LOOKML_DASHBOARD_FIELDS; LookML dashboards have `model::name` ids).

    Without `owners`, the owner's user id is parked in `owner` so a page converts before
    the user list arrives; `with_owners` then puts the names in. `deleted` marks a row of
    the trashed-content search.
    """
    item_id = _required_id(row, kind)
    lookml = "::" in item_id
    model = nested(row, "model")
    if lookml and model is None:
        model = item_id.split("::", 1)[0]
    data = {
        "kind": kind,
        "id": item_id,
        "title": text_or_none(row.get("title")) or "",
        "description": text_or_none(row.get("description")) or None,
        "folder_id": nonempty_text(row.get("folder_id")) or nested(row, "folder"),
        "owner": _owner_key(row) if owners is None else owners.get(str(row.get("user_id"))),
        "created_at": row.get("created_at"),
        "updated_at": row.get("updated_at"),
        "last_viewed_at": row.get("last_viewed_at"),
        "view_count": _count(row.get("view_count")),
        "favorite_count": _count(row.get("favorite_count")),
        "deleted": deleted or row.get("deleted") is True,
        "lookml": lookml,
        "model": model,
    }
    query = row.get("query")
    if isinstance(query, dict):  # only where a projection gives it; never fetched per item
        data["model"] = text_or_none(query.get("model")) or data["model"]
        data["explore"] = text_or_none(query.get("view"))
        data["fields"] = [str(f) for f in query.get("fields") or []]
    return validated(LookerItem, data, f"{kind} {item_id}")


def _owner_key(row: dict[str, Any]) -> str | None:
    user_id = row.get("user_id")
    return None if user_id in (None, "") else f"{_USER_KEY}{user_id}"


def with_owners(items: Iterable[LookerItem], users: list[dict[str, Any]]) -> None:
    """Owner names from the user list (USER_FIELDS), and whether the owner's account is
    deactivated (`is_disabled`), put on items mapped without `owners`."""
    owners = {str(u.get("id")): str(u["display_name"]) for u in users if u.get("display_name")}
    disabled = {str(u.get("id")) for u in users if u.get("is_disabled") is True}
    for found in items:
        if found.owner is not None and found.owner.startswith(_USER_KEY):
            user_id = found.owner[len(_USER_KEY) :]
            found.owner = owners.get(user_id)
            found.owner_disabled = user_id in disabled


def folder(row: dict[str, Any]) -> LookerFolder:
    """One folder of `all_folders` (FOLDER_FIELDS)."""
    return validated(
        LookerFolder,
        {
            "id": nonempty_text(row.get("id")),
            "name": text_or_none(row.get("name")) or "",
            "parent_id": nonempty_text(row.get("parent_id")),
            "is_personal": row.get("is_personal") is True,
            "is_personal_descendant": row.get("is_personal_descendant") is True,
        },
        f"folder {row.get('id')!r}",
    )


# ----------------------------------------------------------------------------- boards


def board(row: dict[str, Any]) -> LookerBoard:
    """One `Board` of `all_boards` (BOARD_FIELDS, or LIVE_BOARD_FIELDS: then no sections).

    Looker marks a trashed board with `deleted_at` (API 4.0 has no `deleted` filter for
    boards); it is kept as `deleted`, so the link check can call a link to it deleted
    rather than missing. A trashed section is dropped. Only the ids of a tile's look or
    dashboard are kept, never Looker's display title of the tile, which would repeat an
    excluded item's title; tiles that are only a custom URL are not catalog content and
    are dropped.
    """
    board_id = _required_id(row, "board")
    sections = []
    for s in _ordered(row.get("board_sections"), row.get("section_order")):
        if s.get("deleted_at"):
            continue
        tiles = _ordered(s.get("board_items"), s.get("item_order"))
        sections.append(
            {
                "id": nonempty_text(s.get("id")) or "",
                "title": nonempty_text(s.get("title")),
                "description": nonempty_text(s.get("description")),
                "items": [tile for tile in map(_tile, tiles) if tile is not None],
            }
        )
    data = {
        "id": board_id,
        "title": nonempty_text(row.get("title")) or "",
        "description": nonempty_text(row.get("description")),
        "deleted": bool(row.get("deleted_at")),
        "sections": sections,
    }
    return validated(LookerBoard, data, f"board {board_id}")


def _ordered(rows: object, order: object) -> list[dict[str, Any]]:
    """Rows in the order Looker displays them: the parent's `*_order` ids, then `order`."""
    items = [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []
    rank = {str(v): n for n, v in enumerate(order)} if isinstance(order, list) else {}

    def key(row: dict[str, Any]) -> tuple[int, int, str]:
        at = rank.get(str(row.get("id")), len(rank))
        own = row.get("order") if isinstance(row.get("order"), int) else 0
        return at, own, str(row.get("id"))

    return sorted(items, key=key)


def _tile(row: dict[str, Any]) -> dict[str, str] | None:
    """The look or dashboard a board tile shows, or None for a custom-URL tile."""
    look = nonempty_text(row.get("look_id"))
    if look:
        return {"kind": "look", "id": look}
    dashboard = nonempty_text(row.get("dashboard_id")) or nonempty_text(
        row.get("lookml_dashboard_id")
    )
    return {"kind": "dashboard", "id": dashboard} if dashboard else None


# ----------------------------------------------------------------------------- explores


def explore(model: str, name: str, row: object) -> LookerExplore:
    """One `lookml_model_explore` answer (EXPLORE_FIELDS) as the snapshot keeps it."""
    if not isinstance(row, dict):
        raise malformed(f"explore {model}.{name}", "something not an object")
    fields: list[LookerField] = []
    fieldset = row.get("fields") if isinstance(row.get("fields"), dict) else {}
    for group, default in _CATEGORIES.items():
        for f in fieldset.get(group) or []:
            if isinstance(f, dict) and f.get("name"):
                fields.append(_field(f, default, f"field of explore {model}.{name}"))
    return validated(
        LookerExplore,
        {
            "model": model,
            "name": name,
            "label": text_or_none(row.get("label")),
            "description": text_or_none(row.get("description")) or None,
            "fields": fields,
        },
        f"explore {model}.{name}",
    )


def _field(f: dict[str, Any], default: str, what: str) -> LookerField:
    category = f.get("category") if f.get("category") in _CATEGORIES.values() else default
    return validated(
        LookerField,
        {
            "name": str(f["name"]),
            "label": text_or_none(f.get("label")),
            "description": text_or_none(f.get("description")) or None,
            "type": text_or_none(f.get("type")),
            "category": category,
            "hidden": f.get("hidden") is True,
        },
        what,
    )


# ----------------------------------------------------------------------------- content validation


def broken_items(body: object, where: str) -> list[BrokenItem]:
    """Errors per look and dashboard from the content validator's answer to `where`
    (VALIDATION_FIELDS); MalformedAnswer if it is not a `ContentValidation`.

    Each `ContentValidatorError` names the content it is about: a dashboard (with the
    tile, `dashboard_element`, or the filter), a LookML dashboard (with its tile), or a
    look; a schedule of a look names the look. Its `errors` are attributed to that one
    look or dashboard; an entry that names none (an alert on nothing we know) is left out.
    """
    if not isinstance(body, dict):
        raise malformed(where, "something not an object")
    entries = body.get("content_with_errors") or []
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise malformed(where, "unreadable errors")
    found: dict[tuple[str, str], list[ContentError]] = {}
    for entry in entries:
        target = _target(entry)
        if target is None:
            continue
        errors = found.setdefault(target, [])
        for error in _errors(entry, where):
            if error not in errors:
                errors.append(error)
    return [
        BrokenItem(kind=kind, id=item_id, errors=errors)  # type: ignore[arg-type]
        for (kind, item_id), errors in sorted(found.items(), key=_by_item)
        if errors
    ]


def _by_item(pair: tuple[tuple[str, str], Any]) -> tuple[str, tuple[int, int, str]]:
    (kind, item_id), _ = pair
    return kind, id_sort_key(item_id)


def _target(entry: dict[str, Any]) -> tuple[str, str] | None:
    """The look or dashboard one validator entry is about, or None."""
    dashboard = nested(entry, "dashboard") or nested(entry, "lookml_dashboard")
    if dashboard is not None:
        return "dashboard", dashboard
    look = nested(entry, "look") or nested(entry, "scheduled_plan", "look_id")
    return ("look", look) if look is not None else None


def _errors(entry: dict[str, Any], where: str) -> list[ContentError]:
    """The entry's errors, each with where on the look or dashboard it is."""
    tile = entry.get("dashboard_element") or entry.get("lookml_dashboard_element")
    tile = tile if isinstance(tile, dict) else {}
    place = {
        "tile": text_or_none(tile.get("title")),
        "tile_look": nested(entry, "dashboard_element", "look_id"),
        "filter": nested(entry, "dashboard_filter", "title", text_or_none),
        "schedule": nested(entry, "scheduled_plan", "name", text_or_none),
    }
    errors = entry.get("errors") or []
    if not isinstance(errors, list):
        raise malformed(where, "unreadable errors")
    out = []
    for error in errors:
        if not isinstance(error, dict):
            raise malformed(where, "unreadable errors")
        data = {
            "message": text_or_none(error.get("message")) or "",
            "model": text_or_none(error.get("model_name")),
            "explore": text_or_none(error.get("explore_name")),
            "field": text_or_none(error.get("field_name")),
            **place,
        }
        out.append(validated(ContentError, data, "content validation error"))
    return out
