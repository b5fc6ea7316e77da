"""Custom widgets: attributes down, messages up."""
