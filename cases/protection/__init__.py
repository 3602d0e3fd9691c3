"""Protecting the people in the data: staff accounts, the audit of confidential reads, encryption at
rest (crypto.py, fields.py), who may see what (permissions.py), the public database role,
retention of transient data and the webhook address checks.

May import: models and choices (fields.py and crypto.py import nothing of the registry, since the
models use them); never services.
"""
