"""Belarusian formats (formats.py), found through FORMAT_MODULE_PATH."""
