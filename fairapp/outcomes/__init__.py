"""After the fair: hires (tuyển dụng), their follow-ups at 1, 3 and 6 months (12 by setting), the
sustainable-job rule, and what job seekers answer for themselves through their ticket link."""
