-- Both branches meet here; record who signed up since the audit began.
CREATE VIEW recent_signups AS
SELECT a.user_id, a.changed_at
FROM user_audit a
WHERE a.action = 'created';
