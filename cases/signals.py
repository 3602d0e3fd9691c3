"""Signals the data app sends to the view apps, which listen without cases importing them.

Owns: the signals. May import: nothing of the registry.
"""

from django.dispatch import Signal

# Many rows were written in bulk, which sends no save signals (the whole-registry import): whatever
# a listener derived from the data (the public pages' cache) is old.
bulk_data_changed = Signal()
