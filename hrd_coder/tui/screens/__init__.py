"""Screens: controllers that call services from workers."""
