CREATE TABLE `sign_in_failures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`identifier_hash` text NOT NULL,
	`client_key` text NOT NULL,
	`failures` integer NOT NULL,
	`window_start` integer NOT NULL,
	`last_failure_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sign_in_failures_identifier_client_key` ON `sign_in_failures` (`identifier_hash`,`client_key`);--> statement-breakpoint
CREATE INDEX `idx_sign_in_failures_last_failure_at` ON `sign_in_failures` (`last_failure_at`);--> statement-breakpoint
ALTER TABLE `refresh_tokens` ADD `token_version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `users` DROP COLUMN `failed_login_count`;--> statement-breakpoint
ALTER TABLE `users` DROP COLUMN `failed_login_window_start`;