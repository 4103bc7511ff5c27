"""One row inserted by a statement planned once per process: the send path's hot writes.

`Model.objects.create` compiles its INSERT anew on every call (about a millisecond of CPU per row
on the development machine, more than the statement's own round trip). The statements here are
built from the model's fields once, and each call only prepares the values, the way the ORM does:
every concrete field's `pre_save` (auto_now_add times) and `get_db_prep_save` (JSON, foreign
keys). The model's `pre_save` and `post_save` receivers, if it ever gets any, are still sent.
"""

from __future__ import annotations

from functools import cache

from django.db import connection
from django.db.models import Model, signals


@cache
def _fields(model: type[Model], skip: frozenset[str]) -> tuple:
    return tuple(
        f for f in model._meta.concrete_fields if not f.primary_key and f.attname not in skip
    )


@cache
def _values_sql(model: type[Model]) -> str:
    qn = connection.ops.quote_name
    fields = _fields(model, frozenset())
    columns = ", ".join(qn(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    return (
        f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608 (names from the model, values parameters)
        f" RETURNING {qn(model._meta.pk.column)}"
    )


def row_columns(model: type[Model], *, skip: frozenset[str] = frozenset()) -> list[str]:
    """The quoted columns `row_params` gives values for, in the same order."""
    qn = connection.ops.quote_name
    return [qn(f.column) for f in _fields(model, skip)]


def row_casts(model: type[Model], *, skip: frozenset[str] = frozenset()) -> list[str]:
    """`CAST(%s AS type)` per column of `row_columns`: for an INSERT ... SELECT, whose values are
    not typed by their target columns."""
    return [f"CAST(%s AS {f.cast_db_type(connection)})" for f in _fields(model, skip)]


def row_params(obj: Model, *, skip: frozenset[str] = frozenset()) -> list:
    """The values of a new `obj` for `row_columns`, prepared as the ORM prepares an insert (and
    its `pre_save` receivers sent first)."""
    model = type(obj)
    if signals.pre_save.has_listeners(model):
        signals.pre_save.send(
            sender=model, instance=obj, raw=False, using=connection.alias, update_fields=None
        )
    return [
        f.get_db_prep_save(f.pre_save(obj, True), connection=connection)
        for f in _fields(model, skip)
    ]


def row_saved(obj: Model, pk) -> Model:
    """Mark `obj` stored with primary key `pk`, as `save` would (and send `post_save`)."""
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = connection.alias
    model = type(obj)
    if signals.post_save.has_listeners(model):
        signals.post_save.send(
            sender=model,
            instance=obj,
            created=True,
            update_fields=None,
            raw=False,
            using=connection.alias,
        )
    return obj


def row_insert(obj: Model) -> Model:
    """INSERT a new `obj` (every concrete field but its primary key) and return it, stored."""
    params = row_params(obj)
    with connection.cursor() as cursor:
        cursor.execute(_values_sql(type(obj)), params)
        pk = cursor.fetchone()[0]
    return row_saved(obj, pk)
