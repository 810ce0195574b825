CREATE TABLE t_c3 (x INTEGER);
-- the next statement is broken
CREATE TABLE (;
