"""Job seekers and their registrations (one per person and fair): the rules of registering on every
channel, and the staff's walk-in page. The organisers' pages about registrations: fairapp.registrations."""
