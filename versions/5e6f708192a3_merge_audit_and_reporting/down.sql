DROP VIEW recent_signups;
