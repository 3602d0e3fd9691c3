"""The demo data builder: deterministic synthetic people and cases for `make run` and the tests,
and the triage staff would have done of the alerts that loading them raises.

Owns: invented names and the stories built from them, never real detainees. May import: services
(every demo record and every triage step is written through them), models and choices.
"""
