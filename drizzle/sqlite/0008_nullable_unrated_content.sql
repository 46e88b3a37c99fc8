PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_exercises` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`creator_id` integer,
	`exercise_type` text NOT NULL,
	`difficulty` text NOT NULL,
	`tags` text,
	`age_group` text,
	`context_theme` text,
	`complexity` integer DEFAULT 1,
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
	`is_private` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`creator_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "exercises_exercise_type_check" CHECK("__new_exercises"."exercise_type" in ('addition', 'soustraction', 'multiplication', 'division', 'fractions', 'geometrie', 'texte', 'mixte', 'divers')),
	CONSTRAINT "exercises_difficulty_check" CHECK("__new_exercises"."difficulty" in ('initie', 'padawan', 'chevalier', 'maitre', 'grand_maitre')),
	CONSTRAINT "exercises_complexity_check" CHECK("__new_exercises"."complexity" between 1 and 5)
);
--> statement-breakpoint
INSERT INTO `__new_exercises`("id", "title", "creator_id", "exercise_type", "difficulty", "tags", "age_group", "context_theme", "complexity", "ai_generated", "question", "correct_answer", "choices", "explanation", "hint", "image_url", "audio_url", "is_active", "is_archived", "view_count", "created_at", "updated_at", "is_private") SELECT "id", "title", "creator_id", "exercise_type", "difficulty", "tags", "age_group", "context_theme", "complexity", "ai_generated", "question", "correct_answer", "choices", "explanation", "hint", "image_url", "audio_url", "is_active", "is_archived", "view_count", "created_at", "updated_at", "is_private" FROM `exercises`;--> statement-breakpoint
DROP TABLE `exercises`;--> statement-breakpoint
ALTER TABLE `__new_exercises` RENAME TO `exercises`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `idx_exercises_type` ON `exercises` (`exercise_type`);--> statement-breakpoint
CREATE INDEX `idx_exercises_difficulty` ON `exercises` (`difficulty`);--> statement-breakpoint
CREATE INDEX `idx_exercises_creator_id` ON `exercises` (`creator_id`);--> statement-breakpoint
CREATE TABLE `__new_logic_challenges` (
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
	`difficulty_rating` real DEFAULT 3,
	`estimated_time_minutes` integer DEFAULT 15,
	`success_rate` real DEFAULT 0,
	`image_url` text,
	`source_reference` text,
	`tags` text,
	`is_template` integer DEFAULT false NOT NULL,
	`generation_parameters` text,
	`is_archived` integer DEFAULT false NOT NULL,
	`view_count` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`creator_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "logic_challenges_challenge_type_check" CHECK("__new_logic_challenges"."challenge_type" in ('sequence', 'pattern', 'visual', 'puzzle', 'riddle', 'deduction', 'spatial', 'probability', 'graph', 'coding', 'chess', 'custom')),
	CONSTRAINT "logic_challenges_age_group_check" CHECK("__new_logic_challenges"."age_group" in ('enfant', 'adolescent', 'adulte', '6-8', '9-12', '10-12', '12-13', '13-15', '15-17', '13+', 'all')),
	CONSTRAINT "logic_challenges_difficulty_check" CHECK("__new_logic_challenges"."difficulty" in ('initie', 'padawan', 'chevalier', 'maitre', 'grand_maitre'))
);
--> statement-breakpoint
INSERT INTO `__new_logic_challenges`("id", "title", "description", "challenge_type", "age_group", "difficulty", "content", "question", "solution", "correct_answer", "choices", "solution_explanation", "visual_data", "hints", "is_active", "creator_id", "created_at", "updated_at", "difficulty_rating", "estimated_time_minutes", "success_rate", "image_url", "source_reference", "tags", "is_template", "generation_parameters", "is_archived", "view_count") SELECT "id", "title", "description", "challenge_type", "age_group", "difficulty", "content", "question", "solution", "correct_answer", "choices", "solution_explanation", "visual_data", "hints", "is_active", "creator_id", "created_at", "updated_at", "difficulty_rating", "estimated_time_minutes", "success_rate", "image_url", "source_reference", "tags", "is_template", "generation_parameters", "is_archived", "view_count" FROM `logic_challenges`;--> statement-breakpoint
DROP TABLE `logic_challenges`;--> statement-breakpoint
ALTER TABLE `__new_logic_challenges` RENAME TO `logic_challenges`;--> statement-breakpoint
CREATE INDEX `idx_logic_challenges_type` ON `logic_challenges` (`challenge_type`);--> statement-breakpoint
CREATE INDEX `idx_logic_challenges_age_group` ON `logic_challenges` (`age_group`);--> statement-breakpoint
CREATE INDEX `idx_logic_challenges_creator_id` ON `logic_challenges` (`creator_id`);