"""One person across records and scripts: name keys and similarity (names.py, pure), finding
likely duplicates (duplicates.py), and reading an announced list of names to match it
(announced.py, pure). Merging is a write: cases.services.merging; recording a wave's releases
too: cases.services.waves.

May import: models and choices; never services.
"""
