"""At the booth: employers and schools scan job seekers, record interviews and counselling, refer them
to other booths, and see matched candidates; the job seeker's consent decides what they see."""
