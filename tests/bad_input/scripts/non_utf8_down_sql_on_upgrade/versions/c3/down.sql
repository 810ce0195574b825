-- défaire
DROP TABLE t_c3;
