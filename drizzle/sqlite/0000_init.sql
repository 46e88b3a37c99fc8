CREATE TABLE `attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`exercise_id` integer NOT NULL,
	`user_answer` text NOT NULL,
	`is_correct` integer NOT NULL,
	`time_spent` real,
	`attempt_number` integer DEFAULT 1 NOT NULL,
	`hints_used` integer DEFAULT 0 NOT NULL,
	`device_info` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`exercise_id`) REFERENCES `exercises`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `idx_attempts_user_id` ON `attempts` (`user_id`);--> statement-breakpoint
CREATE INDEX `idx_attempts_exercise_id` ON `attempts` (`exercise_id`);--> statement-breakpoint
CREATE INDEX `idx_attempts_created_at` ON `attempts` (`created_at`);--> statement-breakpoint
CREATE TABLE `exercises` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`creator_id` integer,
	`exercise_type` text NOT NULL,
	`difficulty` text NOT NULL,
	`tags` text,
	`age_group` text,
	`context_theme` text,
	`complexity` integer DEFAULT 1 NOT NULL,
	`ai_generated` integer DEFAULT false NOT NULL,
	`question` text NOT NULL,
	`correct_answer` text NOT NULL,
	`choices` text,
	`explanation` text,
	`hint` text,
	`image_url` text,
	`audio_url` text,
	`is_active` integer DEFAULT true NOT NULL,
	`is_archived` integer DEFAULT false NOT NULL,
	`view_count` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`creator_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "exercises_exercise_type_check" CHECK("exercises"."exercise_type" in ('addition', 'soustraction', 'multiplication', 'division', 'fractions', 'geometrie', 'texte', 'mixte', 'divers')),
	CONSTRAINT "exercises_difficulty_check" CHECK("exercises"."difficulty" in ('initie', 'padawan', 'chevalier', 'maitre')),
	CONSTRAINT "exercises_complexity_check" CHECK("exercises"."complexity" between 1 and 5)
);
--> statement-breakpoint
CREATE INDEX `idx_exercises_type` ON `exercises` (`exercise_type`);--> statement-breakpoint
CREATE INDEX `idx_exercises_difficulty` ON `exercises` (`difficulty`);--> statement-breakpoint
CREATE INDEX `idx_exercises_creator_id` ON `exercises` (`creator_id`);--> statement-breakpoint
CREATE TABLE `logic_challenge_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`challenge_id` integer NOT NULL,
	`user_solution` text NOT NULL,
	`is_correct` integer NOT NULL,
	`time_spent` real,
	`hints_used` integer DEFAULT 0 NOT NULL,
	`attempt_number` integer DEFAULT 1 NOT NULL,
	`notes` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`challenge_id`) REFERENCES `logic_challenges`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `idx_logic_challenge_attempts_user_id` ON `logic_challenge_attempts` (`user_id`);--> statement-breakpoint
CREATE INDEX `idx_logic_challenge_attempts_challenge_id` ON `logic_challenge_attempts` (`challenge_id`);--> statement-breakpoint
CREATE TABLE `logic_challenges` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`description` text,
	`challenge_type` text NOT NULL,
	`age_group` text NOT NULL,
	`difficulty` text,
	`content` text,
	`question` text,
	`solution` text,
	`correct_answer` text,
	`choices` text,
	`solution_explanation` text,
	`visual_data` text,
	`hints` text,
	`is_active` integer DEFAULT true NOT NULL,
	`creator_id` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`difficulty_rating` real DEFAULT 3 NOT NULL,
	`estimated_time_minutes` integer DEFAULT 15 NOT NULL,
	`success_rate` real DEFAULT 0 NOT NULL,
	`image_url` text,
	`source_reference` text,
	`tags` text,
	`is_template` integer DEFAULT false NOT NULL,
	`generation_parameters` text,
	`is_archived` integer DEFAULT false NOT NULL,
	`view_count` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`creator_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "logic_challenges_challenge_type_check" CHECK("logic_challenges"."challenge_type" in ('sequence', 'pattern', 'visual', 'puzzle', 'riddle', 'deduction', 'spatial', 'probability', 'graph', 'coding', 'chess', 'custom')),
	CONSTRAINT "logic_challenges_age_group_check" CHECK("logic_challenges"."age_group" in ('enfant', 'adolescent', 'adulte', '9-12', '10-12', '12-13', '13-15', '13+', 'all')),
	CONSTRAINT "logic_challenges_difficulty_check" CHECK("logic_challenges"."difficulty" in ('initie', 'padawan', 'chevalier', 'maitre'))
);
--> statement-breakpoint
CREATE INDEX `idx_logic_challenges_type` ON `logic_challenges` (`challenge_type`);--> statement-breakpoint
CREATE INDEX `idx_logic_challenges_age_group` ON `logic_challenges` (`age_group`);--> statement-breakpoint
CREATE INDEX `idx_logic_challenges_creator_id` ON `logic_challenges` (`creator_id`);--> statement-breakpoint
CREATE TABLE `progress` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`exercise_type` text NOT NULL,
	`difficulty` text NOT NULL,
	`total_attempts` integer DEFAULT 0 NOT NULL,
	`correct_attempts` integer DEFAULT 0 NOT NULL,
	`timed_attempts` integer DEFAULT 0 NOT NULL,
	`average_time` real,
	`completion_rate` real DEFAULT 0 NOT NULL,
	`streak` integer DEFAULT 0 NOT NULL,
	`highest_streak` integer DEFAULT 0 NOT NULL,
	`concept_mastery` text,
	`learning_curve` text,
	`last_active_date` integer,
	`mastery_level` integer DEFAULT 1 NOT NULL,
	`awards` text,
	`strengths` text,
	`areas_to_improve` text,
	`recommendations` text,
	`last_updated` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "progress_exercise_type_check" CHECK("progress"."exercise_type" in ('addition', 'soustraction', 'multiplication', 'division', 'fractions', 'geometrie', 'texte', 'mixte', 'divers')),
	CONSTRAINT "progress_difficulty_check" CHECK("progress"."difficulty" in ('initie', 'padawan', 'chevalier', 'maitre')),
	CONSTRAINT "progress_mastery_level_check" CHECK("progress"."mastery_level" between 1 and 5)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `progress_user_type_difficulty_key` ON `progress` (`user_id`,`exercise_type`,`difficulty`);--> statement-breakpoint
CREATE TABLE `refresh_tokens` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`family_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`revoked_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `refresh_tokens_token_hash_key` ON `refresh_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `idx_refresh_tokens_user_id` ON `refresh_tokens` (`user_id`);--> statement-breakpoint
CREATE INDEX `idx_refresh_tokens_family_id` ON `refresh_tokens` (`family_id`);--> statement-breakpoint
CREATE TABLE `results` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`exercise_id` integer NOT NULL,
	`is_correct` integer NOT NULL,
	`attempt_count` integer DEFAULT 1,
	`time_spent` real,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer))
);
--> statement-breakpoint
CREATE TABLE `schema_version` (
	`version` integer PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE TABLE `statistics` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer,
	`session_id` text NOT NULL,
	`exercise_type` text,
	`difficulty` text NOT NULL,
	`total_attempts` integer,
	`correct_attempts` integer DEFAULT 0 NOT NULL,
	`avg_time` real DEFAULT 0 NOT NULL,
	`last_updated` integer
);
--> statement-breakpoint
CREATE TABLE `user_stats` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`exercise_type` text,
	`difficulty` text NOT NULL,
	`total_attempts` integer,
	`correct_attempts` integer DEFAULT 0,
	`last_updated` integer
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`username` text NOT NULL,
	`email` text NOT NULL,
	`hashed_password` text NOT NULL,
	`full_name` text,
	`role` text DEFAULT 'padawan' NOT NULL,
	`is_active` integer DEFAULT true NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`grade_level` integer,
	`learning_style` text,
	`preferred_difficulty` text,
	`preferred_theme` text,
	`accessibility_settings` text,
	`total_points` integer DEFAULT 0 NOT NULL,
	`current_level` integer DEFAULT 1 NOT NULL,
	`experience_points` integer DEFAULT 0 NOT NULL,
	`jedi_rank` text DEFAULT 'youngling' NOT NULL,
	`avatar_url` text,
	CONSTRAINT "users_role_check" CHECK("users"."role" in ('padawan', 'maitre', 'gardien', 'archiviste'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_lower_key` ON `users` (lower("username"));--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_lower_key` ON `users` (lower("email"));