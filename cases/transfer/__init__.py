"""Data in and out: spreadsheet imports (importing/), the whole-registry export and its import
(exporting.py), charge notation as lists write it (notation.py, pure) and the shipped law data
(law_loader.py).

May import: services (imports write through them), the risk queue, identity, protection and models;
never admin, api or public (the public shape of a person is plugged in by api at start-up).
"""
