"""For congress/tests/test_embedded_db.py: two threads of one process write the embedded SQLite file at once,
as runserver's threads (and the worker and beat next to it) do.

One thread holds a write transaction open for a moment; the other, meanwhile, starts a transaction that reads
and then writes. Prints the file's pragmas and how the second transaction fared, as JSON.
"""

import json
import threading
import time

import django

HOLD_SECONDS = 1.0


def main() -> None:
    django.setup()
    from django.db import OperationalError, connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE counter (n integer)")
        cursor.execute("INSERT INTO counter VALUES (0)")
        pragmas = {
            name: cursor.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("journal_mode", "synchronous", "busy_timeout")
        }
    connection.close()

    holding = threading.Event()
    outcome = {}

    def first_writer():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE counter SET n = n + 1")
            holding.set()
            time.sleep(HOLD_SECONDS)
        connection.close()

    def read_then_write():
        holding.wait()
        started = time.monotonic()
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT n FROM counter")
                cursor.execute("UPDATE counter SET n = n + 1")
            outcome["error"] = None
        except OperationalError as exc:
            outcome["error"] = str(exc)
        outcome["waited"] = round(time.monotonic() - started, 2)
        connection.close()

    threads = [threading.Thread(target=first_writer), threading.Thread(target=read_then_write)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with connection.cursor() as cursor:
        outcome["n"] = cursor.execute("SELECT n FROM counter").fetchone()[0]
    print(json.dumps({"pragmas": pragmas, **outcome}))


if __name__ == "__main__":
    main()
