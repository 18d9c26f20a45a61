"""The floor the check-in benchmark compares against: a bare Flask app answering POST /api/v1/checkins
with one database transaction per scan and nothing else (no sign-in, no rules, no audit).

It reads the JSON body the scanner page sends, inserts the ticket's payload into a table whose key is
UNIQUE (INSERT … ON CONFLICT DO NOTHING) and commits: a first scan writes one row (a durable commit),
a repeated one finds its row there and writes nothing. On SQLite the connection has the application's
settings (WAL, synchronous=FULL, BEGIN IMMEDIATE for the write); on PostgreSQL it is one psycopg
connection per worker.

    FLOOR_DATABASE=sqlite:////path/floor.sqlite3 gunicorn bench.floor_app:app
    FLOOR_DATABASE=postgresql://postgres@127.0.0.1:5432/db gunicorn bench.floor_app:app"""

import json
import os
import sqlite3

from flask import Flask, request

DATABASE = os.environ.get("FLOOR_DATABASE", "")
SQL = "INSERT INTO floor_scans (payload) VALUES ({0}) ON CONFLICT (payload) DO NOTHING"

app = Flask(__name__)
_connection = None


def _connect(database: str = DATABASE):
    if database.startswith("sqlite:///"):
        connection = sqlite3.connect(database.removeprefix("sqlite:///"), isolation_level=None, timeout=5)
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "busy_timeout=5000"):
            connection.execute(f"PRAGMA {pragma}")
        return connection, SQL.format("?")
    import psycopg

    return psycopg.connect(database.replace("postgresql+psycopg://", "postgresql://")), SQL.format("%s")


def create_table(database: str) -> None:
    connection, _sql = _connect(database)
    connection.execute("CREATE TABLE IF NOT EXISTS floor_scans (payload VARCHAR(512) PRIMARY KEY)")
    connection.commit()
    connection.close()


@app.get("/up")
def up():
    return "up"


@app.post("/api/v1/checkins")
def check_in():
    global _connection
    if _connection is None:
        _connection = _connect()
    connection, sql = _connection
    body = request.get_json()
    payload = body["qr_payload"]
    if isinstance(connection, sqlite3.Connection):
        connection.execute("BEGIN IMMEDIATE")
    inserted = connection.execute(sql, (payload,)).rowcount
    if isinstance(connection, sqlite3.Connection):
        connection.execute("COMMIT")
    else:
        connection.commit()
    return app.response_class(
        json.dumps({"result": "ok" if inserted else "already_checked_in", "scan_id": body.get("scan_id")}),
        mimetype="application/json",
    )
