"""The terminal app (Textual): screens are controllers, widgets are views."""
