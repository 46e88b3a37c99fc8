CREATE TABLE `erased_accounts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`fingerprint` text NOT NULL,
	`erased_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `erased_accounts_user_fingerprint_key` ON `erased_accounts` (`user_id`,`fingerprint`);