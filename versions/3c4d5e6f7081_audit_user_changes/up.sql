CREATE TABLE user_audit (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL,
    action     TEXT NOT NULL,
    changed_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TRIGGER users_audit_insert AFTER INSERT ON users
BEGIN
    INSERT INTO user_audit (user_id, action) VALUES (NEW.id, 'created');
END;

CREATE TRIGGER users_audit_update AFTER UPDATE OF email, name ON users
BEGIN
    INSERT INTO user_audit (user_id, action) VALUES (NEW.id, 'updated');
END;
