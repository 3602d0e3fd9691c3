"""The risk engine: the rules of the death penalty, applied to cases, and the alerts that follow.

rules.py is pure (plain data in, an assessment out; no ORM, no Django database layer);
assessment.py loads cases, applies the rules and keeps the history; queue.py marks cases stale
and asks for their assessment through cases.background; alerts.py raises alerts, e-mails staff
and delivers signed webhooks. May import: models, choices, cases.background,
cases.signals (readers see a change) and cases.protection.webhook_urls (where a webhook may
connect); never services.
"""
