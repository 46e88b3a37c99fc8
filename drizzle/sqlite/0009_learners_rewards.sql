CREATE TABLE `achievements` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`icon_url` text,
	`category` text,
	`difficulty` text,
	`points_reward` integer DEFAULT 0 NOT NULL,
	`is_secret` integer DEFAULT false NOT NULL,
	`requirements` text,
	`star_wars_title` text,
	`is_active` integer DEFAULT true NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `achievements_code_key` ON `achievements` (`code`);--> statement-breakpoint
CREATE INDEX `idx_achievements_category` ON `achievements` (`category`);--> statement-breakpoint
CREATE TABLE `point_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`source_type` text NOT NULL,
	`source_id` integer,
	`points_delta` integer NOT NULL,
	`balance_after` integer NOT NULL,
	`details` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `ix_point_events_user_created` ON `point_events` (`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `ix_point_events_created_user` ON `point_events` (`created_at`,`user_id`);--> statement-breakpoint
CREATE TABLE `recommendations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`exercise_id` integer,
	`challenge_id` integer,
	`recommendation_type` text DEFAULT 'exercise' NOT NULL,
	`exercise_type` text NOT NULL,
	`difficulty` text NOT NULL,
	`priority` integer DEFAULT 5 NOT NULL,
	`reason` text,
	`reason_code` text,
	`reason_params` text,
	`is_completed` integer DEFAULT false NOT NULL,
	`shown_count` integer DEFAULT 0 NOT NULL,
	`clicked_count` integer DEFAULT 0 NOT NULL,
	`last_shown_at` integer,
	`last_clicked_at` integer,
	`completed_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`exercise_id`) REFERENCES `exercises`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`challenge_id`) REFERENCES `logic_challenges`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `ix_recommendations_user_completed` ON `recommendations` (`user_id`,`is_completed`);--> statement-breakpoint
CREATE INDEX `idx_recommendations_exercise_id` ON `recommendations` (`exercise_id`);--> statement-breakpoint
CREATE INDEX `idx_recommendations_challenge_id` ON `recommendations` (`challenge_id`);--> statement-breakpoint
CREATE TABLE `user_achievements` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`achievement_id` integer NOT NULL,
	`earned_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`progress_data` text,
	`is_displayed` integer DEFAULT true NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`achievement_id`) REFERENCES `achievements`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `user_achievements_user_achievement_key` ON `user_achievements` (`user_id`,`achievement_id`);--> statement-breakpoint
CREATE INDEX `idx_user_achievements_achievement_id` ON `user_achievements` (`achievement_id`);--> statement-breakpoint
CREATE INDEX `idx_user_achievements_earned_at` ON `user_achievements` (`earned_at`);--> statement-breakpoint
ALTER TABLE `users` ADD `current_streak` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `best_streak` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `last_activity_date` text;--> statement-breakpoint
ALTER TABLE `users` ADD `pinned_badge_ids` text;--> statement-breakpoint
ALTER TABLE `users` ADD `leaderboard_visible` integer DEFAULT true NOT NULL;