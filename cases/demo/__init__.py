"""The demo data builder: deterministic synthetic people and cases for `make run` and the tests.

Owns: invented names and the stories built from them, never real detainees. May import: services
(every demo record is written through them), models and choices.
"""
