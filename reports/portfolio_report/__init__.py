"""The portfolio report: its content (from the portfolio query layer) and its PDF and XLSX renderings."""
