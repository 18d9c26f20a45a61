"""Pages for residents without an account: upcoming fairs and a fair's page with its poster, calendar
files and share card; registering online (register_views) and a lost ticket (lost_ticket_views)."""
