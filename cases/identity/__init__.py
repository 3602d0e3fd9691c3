"""One person across records and scripts: name keys and similarity (names.py, pure), and finding
likely duplicates (duplicates.py). Merging them is a write: cases.services.merging.

May import: models and choices; never services.
"""
