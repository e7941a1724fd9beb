"""Create or drop a throw-away PostgreSQL database for `make test`.

Usage: python scripts/testdb.py create|drop NAME. The server comes from PG_SERVER_URL
(default postgresql://postgres@127.0.0.1:5432, trust authentication); NAME must look
like finsam_test_<hex>, so this script can never drop anything else.
"""

from __future__ import annotations

import os
import re
import sys

import psycopg

SERVER = os.environ.get("PG_SERVER_URL", "postgresql://postgres@127.0.0.1:5432")
NAME = re.compile(r"^finsam_test_[0-9a-f]{6,32}$")


def main(argv: list[str]) -> int:
    """Run the command; the exit code tells the Makefile whether it worked."""
    if len(argv) != 3 or argv[1] not in {"create", "drop"} or not NAME.match(argv[2]):
        sys.stderr.write("usage: testdb.py create|drop finsam_test_<hex>\n")
        return 2
    action, name = argv[1], argv[2]
    try:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True, connect_timeout=10) as conn:
            if action == "create":
                conn.execute(f'CREATE DATABASE "{name}"')
            else:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except psycopg.Error as exc:
        sys.stderr.write(f"PostgreSQL at {SERVER}: could not {action} {name}: {exc}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
