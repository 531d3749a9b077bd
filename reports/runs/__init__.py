"""The web pages of portfolio report runs: list, request form, run page with progress, download."""
