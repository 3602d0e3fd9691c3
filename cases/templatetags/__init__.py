"""Template filters of the staff screens (`staff_tags`): an article's title in the staff member's
language, data marked as not to be translated (docs/languages.md, "The staff area").

Owns: how the admin's own templates show data inside translated wording. May import: the models
(for article titles) and Django's template and html helpers; never services, api or public."""
