"""Exports of a snapshot: CSV (long form), XLSX and the seller's Google Sheet (wide layout).

Pure functions of a snapshot plus a writer: ``table.build_table`` turns what storage gives into
rows, ``wide.wide_grid`` lays those rows out the way sellers know (docs/domain.md section 5), and
each writer renders one of them. Nothing here reads the database or the vault.
"""
