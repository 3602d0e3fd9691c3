"""What the registry writes itself, as data rendered in the reader's language (docs/languages.md):
`catalogue` (pure: the messages' codes, English templates and terms) and `render` (in en, be, ru)."""
