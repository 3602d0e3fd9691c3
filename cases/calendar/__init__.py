"""The dates that matter (issue 19, point 3), as pure functions: plain facts in, calendar entries out.

Owns: the rules of the calendar (`entries`: hearings, birthdays, expected releases with the weeks
before them flagged, anniversaries of detention; a date known only in part never gives a day) and
the iCalendar text (`ical`, RFC 5545 written here: line folding, escaping). Imports no Django and
no model: the facts are loaded by `cases.calendar_data`, the words are the view apps'.
May import: the standard library and `cases.partial_dates`.
"""
