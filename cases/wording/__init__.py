"""What the registry writes itself, as data rendered in the reader's language (docs/languages.md):
`catalogue` (pure: the messages' codes, English templates and terms) and `render` (in en, be, ru).

Owns: the sentences the registry writes and their rendering. May import: `catalogue` nothing but
the standard library; `render` the models (article titles), choices, countries and the claims'
facts; never services, admin, transfer, api or public."""
