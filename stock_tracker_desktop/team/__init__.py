"""Team mode: the desktops of one agency meeting on a PostgreSQL server; see docs/team.md."""
