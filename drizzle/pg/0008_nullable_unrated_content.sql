ALTER TABLE "exercises" ALTER COLUMN "complexity" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "logic_challenges" ALTER COLUMN "difficulty_rating" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "logic_challenges" ALTER COLUMN "estimated_time_minutes" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "logic_challenges" ALTER COLUMN "success_rate" DROP NOT NULL;