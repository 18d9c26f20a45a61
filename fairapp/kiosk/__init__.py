"""Self check-in kiosk: a tablet at the entrance shows a rotating QR; job seekers scan it with their
own phone and check themselves in with the ticket saved there, or by phone number and year of birth."""
