"""The database cache, shared by every worker process when there is no Redis.

Django's ``DatabaseCache.incr`` is a read followed by a write (two workers can both read 5 and both write 6)
and its write resets the entry's expiry to the default timeout. Rate limits need an increment that neither
loses counts nor moves the window, so this one locks the row first and keeps the expiry.
"""

import base64
import pickle
import uuid

from django.core.cache import cache
from django.core.cache.backends import db
from django.db import connections, models, router, transaction
from django.utils.timezone import now as tz_now

TABLE = "doantu_cache"


class DatabaseCache(db.DatabaseCache):
    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        alias = router.db_for_write(self.cache_model_class)
        connection = connections[alias]
        quote = connection.ops.quote_name
        table, k, v, e = (quote(n) for n in (self._table, "cache_key", "value", "expires"))
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            # A no-op write takes the row lock (PostgreSQL) or the database's write lock (SQLite) before the
            # read, so concurrent increments queue instead of overwriting each other.
            cursor.execute(f"UPDATE {table} SET {e} = {e} WHERE {k} = %s", [key])
            cursor.execute(f"SELECT {v}, {e} FROM {table} WHERE {k} = %s", [key])
            row = cursor.fetchone()
            if row is not None:
                expires = row[1]
                expression = models.Expression(output_field=models.DateTimeField())
                for converter in connection.ops.get_db_converters(expression) + expression.get_db_converters(
                    connection
                ):
                    expires = converter(expires, expression, connection)
            if row is None or expires < tz_now():
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(
                base64.b64decode(connection.ops.process_clob(row[0]).encode(), validate=True)
            )
            value += delta
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(f"UPDATE {table} SET {v} = %s WHERE {k} = %s", [encoded, key])
        return value

    def decr(self, key, delta=1, version=None):
        return self.incr(key, -delta, version=version)

    def delete_expired(self) -> int:
        """Remove expired entries (the periodic sweep calls this); returns how many."""
        alias = router.db_for_write(self.cache_model_class)
        connection = connections[alias]
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {quote(self._table)} WHERE {quote('expires')} < %s",
                [connection.ops.adapt_datetimefield_value(tz_now().replace(microsecond=0))],
            )
            return cursor.rowcount


class Generation:
    """A token in the shared cache that is part of the key of every value cached under it, renewed whenever what
    those values are read from is written: one ``renew`` makes them all unread at once, in every process, on any
    cache backend (nothing lists or deletes keys; the old entries expire)."""

    def __init__(self, key: str):
        self.key = key

    def current(self) -> str:
        return cache.get_or_set(self.key, lambda: uuid.uuid4().hex, None)

    @staticmethod
    def current_many(generations: list["Generation"]) -> list[str]:
        """The tokens of several generations in one cache read (each cache call is a query on the database
        cache); a generation never set yet is set as ``current`` sets it."""
        found = cache.get_many([g.key for g in generations])
        return [found[g.key] if g.key in found else g.current() for g in generations]

    def renew(self) -> None:
        """Now, and once the transaction commits, so a value read meanwhile from the old data is not kept."""

        def renew():
            cache.set(self.key, uuid.uuid4().hex, None)

        renew()
        transaction.on_commit(renew)
