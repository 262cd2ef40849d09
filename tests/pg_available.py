"""Exit 0 when the PostgreSQL server of PLANNER_TEST_DATABASE_URL answers (used by make)."""

import os
import sys

import psycopg


def main() -> int:
    url = os.environ["PLANNER_TEST_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.OperationalError:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
