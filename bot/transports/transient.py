"""Which failures of handling an update are worth a redelivery: the database being unreachable,
busy or in conflict, and timeouts. Anything else would fail again on every redelivery, and
Telegram (or our own long polling) would hold back later updates behind it."""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

# PostgreSQL SQLSTATEs: serialization failure, deadlock; classes: connection exception,
# insufficient resources, operator intervention (e.g. admin shutdown)
_RETRY_STATES = frozenset({"40001", "40P01"})
_RETRY_CLASSES = ("08", "53", "57")


def is_transient(exc: BaseException) -> bool:
    """True if handling the same update again may well succeed."""
    if isinstance(exc, OperationalError) and _sqlite_code_error(exc.orig):
        return False
    if isinstance(exc, TimeoutError | ConnectionError | PoolTimeout | OperationalError):
        return True
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True
        state = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
        return isinstance(state, str) and (
            state in _RETRY_STATES or state.startswith(_RETRY_CLASSES)
        )
    return False


def _sqlite_code_error(error: BaseException | None) -> bool:
    """SQLite's generic SQLITE_ERROR (a missing table or column, a syntax error): the code is
    wrong, not the moment. Its other operational errors (locked, busy, I/O, disk full, cannot
    open) may pass."""
    code = getattr(error, "sqlite_errorcode", None)
    if not isinstance(error, sqlite3.Error) or code is None:
        return False
    return code & 0xFF == sqlite3.SQLITE_ERROR
