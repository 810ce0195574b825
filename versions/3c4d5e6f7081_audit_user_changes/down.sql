DROP TRIGGER users_audit_update;
DROP TRIGGER users_audit_insert;
DROP TABLE user_audit;
