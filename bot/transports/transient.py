"""Which failures of handling an update are worth a redelivery: the database being unreachable,
busy or in conflict, and timeouts. Anything else would fail again on every redelivery, and
Telegram would hold back that person's later updates behind it."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

# PostgreSQL SQLSTATEs: serialization failure, deadlock; classes: connection exception,
# insufficient resources, operator intervention (e.g. admin shutdown)
_RETRY_STATES = frozenset({"40001", "40P01"})
_RETRY_CLASSES = ("08", "53", "57")


def is_transient(exc: BaseException) -> bool:
    """True if handling the same update again may well succeed."""
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
