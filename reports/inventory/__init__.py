"""The project inventory as a spreadsheet: template, export, and all-or-nothing import."""
