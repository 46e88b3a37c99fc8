DROP INDEX "idx_attempts_user_id";--> statement-breakpoint
CREATE INDEX "idx_attempts_user_exercise" ON "attempts" USING btree ("user_id","exercise_id");