"""Statistics over time (issue 18, point 6): monthly series built from the registry's own history.

series.py is pure (plain rows in, monthly counts out; no Django): people held at each month's end,
recognitions and releases per month (and releases by how), people at each risk level; history.py
loads the rows a reader may see (published people and public entries for the public) in three
set-based queries and hands them to series.py. May import: models, choices, partial_dates and
cases.protection.public_role (to read as the public); never services.
"""
