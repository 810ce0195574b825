DROP VIEW user_post_counts;
