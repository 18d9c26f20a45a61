"""Privacy rights of job seekers (Law 91/2025/QH15 on personal data protection, Decree 356/2025):
withdrawing consent to share with employers, erasure (asked through the ticket link or done at the
desk), and retention (people not seen at any fair for a configurable period are erased).

This area sits above attendees, tickets and audit: erasure revokes tickets and redacts audit details."""
