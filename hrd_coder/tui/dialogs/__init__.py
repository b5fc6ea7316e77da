"""Modal dialogs: each takes plain data and dismisses with the choice made."""
