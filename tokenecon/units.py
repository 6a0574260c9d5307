"""Units and conventions shared by every layer."""
