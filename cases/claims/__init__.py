"""Claims (issue 17): "source S says V, as of D" on the facts that matter. `facts` holds what a
claim can be about and the rules that weigh claims, as plain data and plain functions (no Django,
no model); the verbs that record and decide claims are in cases.services.claims.

Owns: the facts that carry claims and the rules that weigh claims. May import: cases.choices and
cases.partial_dates only (import contract "rules are pure"); never models or services."""
