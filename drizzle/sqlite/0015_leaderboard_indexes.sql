DROP INDEX `ix_point_events_created_user`;--> statement-breakpoint
CREATE INDEX `ix_point_events_created_user` ON `point_events` (`created_at`,`user_id`,`points_delta`);--> statement-breakpoint
CREATE INDEX `idx_users_total_points` ON `users` (`total_points`);