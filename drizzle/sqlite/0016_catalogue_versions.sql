CREATE TABLE `content_versions` (
	`name` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `users` ADD `catalogue_version` integer DEFAULT 0 NOT NULL;