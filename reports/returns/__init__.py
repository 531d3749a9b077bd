"""Quarterly returns: rounds, the frozen snapshot, the B/D workflow, reminders and exports."""
