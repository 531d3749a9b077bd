"""Models of the reports app, one module per concern (quarterly returns, report runs)."""
