ALTER TABLE "exercises" DROP CONSTRAINT "exercises_difficulty_check";--> statement-breakpoint
ALTER TABLE "logic_challenges" DROP CONSTRAINT "logic_challenges_age_group_check";--> statement-breakpoint
ALTER TABLE "logic_challenges" DROP CONSTRAINT "logic_challenges_difficulty_check";--> statement-breakpoint
ALTER TABLE "progress" DROP CONSTRAINT "progress_difficulty_check";--> statement-breakpoint
ALTER TABLE "exercises" ADD CONSTRAINT "exercises_difficulty_check" CHECK ("exercises"."difficulty" in ('initie', 'padawan', 'chevalier', 'maitre', 'grand_maitre'));--> statement-breakpoint
ALTER TABLE "logic_challenges" ADD CONSTRAINT "logic_challenges_age_group_check" CHECK ("logic_challenges"."age_group" in ('enfant', 'adolescent', 'adulte', '6-8', '9-12', '10-12', '12-13', '13-15', '15-17', '13+', 'all'));--> statement-breakpoint
ALTER TABLE "logic_challenges" ADD CONSTRAINT "logic_challenges_difficulty_check" CHECK ("logic_challenges"."difficulty" in ('initie', 'padawan', 'chevalier', 'maitre', 'grand_maitre'));--> statement-breakpoint
ALTER TABLE "progress" ADD CONSTRAINT "progress_difficulty_check" CHECK ("progress"."difficulty" in ('initie', 'padawan', 'chevalier', 'maitre', 'grand_maitre'));