DROP INDEX posts_user_created;
DROP TABLE posts;
