"""The organisers' live view of a fair: arrivals by priority group and ward, priority households not
yet arrived, and scan problems, refreshed every few seconds."""
