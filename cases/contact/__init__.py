"""Keeping in touch with people in custody (issue 19): how long since anyone heard from them.

silence.py is pure (plain contacts in, days of silence, thresholds passed and resumptions out; no
Django); reading.py loads the contacts and thresholds of the people held, in a bounded number of
queries, for the services, the staff list and the public page. May import: models, choices and
partial_dates; never services.
"""
