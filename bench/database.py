"""The dedicated benchmark database: dropped and created again on every run."""

from __future__ import annotations

import os

import psycopg
from django.db import connection

NAME = os.environ.get("BENCH_PGDATABASE", "permit_portal_bench")  # another name: runs side by side
HOST = os.environ.get("BENCH_PGHOST", "127.0.0.1")
PORT = int(os.environ.get("BENCH_PGPORT", "5432"))
USER = os.environ.get("BENCH_PGUSER", "postgres")
URL = f"postgres://{USER}@{HOST}:{PORT}/{NAME}"


def recreate() -> None:
    with psycopg.connect(host=HOST, port=PORT, user=USER, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{NAME}"')


def server_version() -> str:
    return _server_setting("server_version")


def autovacuum() -> str:
    return _server_setting("autovacuum")


def _server_setting(name: str) -> str:
    with psycopg.connect(host=HOST, port=PORT, user=USER, dbname="postgres") as conn:
        return conn.execute(f"SHOW {name}").fetchone()[0]


def settle(*models) -> None:
    """What autovacuum does to tables after a bulk load: fresh statistics, and the visibility map that lets
    index-only scans answer without visiting the table. Done here, untimed, because a server may run with
    autovacuum off (the run's machine line says so): a workload should not pay for the leftovers of another.
    Then a ``CHECKPOINT``, as pgbench takes one before its runs: the pages the load and the vacuum left dirty
    are written now, not by a checkpoint that falls inside the next workload's clock."""
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")
        cursor.execute("CHECKPOINT")
