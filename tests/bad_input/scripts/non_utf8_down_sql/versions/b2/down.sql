-- défaire
DROP TABLE t_b2;
