"""Public pages about fairs: no sign-in, mobile first."""
