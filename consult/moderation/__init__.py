"""Moderation pages: the staff queue, the sensitive-word list, and the public "flag" button."""
