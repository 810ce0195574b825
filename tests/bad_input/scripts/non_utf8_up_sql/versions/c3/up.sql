CREATE TABLE t_c3 (x INTEGER);
-- café au lait
