"""The home page, the navigation by role and the language switch."""
