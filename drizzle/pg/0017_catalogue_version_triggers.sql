-- Custom SQL migration (#24): content_versions follows every write to the catalogues' content, in
-- the writing transaction, whoever writes (API, CLI, import). Left out on purpose: the view counts
-- and a challenge's success_rate (statistics, written by reads and attempts) and updated_at alone.
-- A catalogue's first version is random, so a database made again never repeats old ETags.
CREATE FUNCTION bump_content_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO content_versions (name, version) VALUES (TG_ARGV[0], 1 + floor(random() * 1000000000)::integer)
  ON CONFLICT (name) DO UPDATE SET version = content_versions.version + 1;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER exercises_content_version AFTER INSERT OR DELETE OR UPDATE OF id, title, creator_id, exercise_type, difficulty, tags, age_group, context_theme, complexity, ai_generated, question, correct_answer, choices, explanation, hint, image_url, audio_url, is_active, is_archived, created_at, is_private
  ON exercises FOR EACH STATEMENT EXECUTE FUNCTION bump_content_version('exercises');
--> statement-breakpoint
CREATE TRIGGER exercises_content_version_truncate AFTER TRUNCATE ON exercises FOR EACH STATEMENT EXECUTE FUNCTION bump_content_version('exercises');
--> statement-breakpoint
CREATE TRIGGER logic_challenges_content_version AFTER INSERT OR DELETE OR UPDATE OF id, title, description, challenge_type, age_group, difficulty, content, question, solution, correct_answer, choices, solution_explanation, visual_data, hints, is_active, creator_id, created_at, difficulty_rating, estimated_time_minutes, image_url, source_reference, tags, is_template, generation_parameters, is_archived
  ON logic_challenges FOR EACH STATEMENT EXECUTE FUNCTION bump_content_version('challenges');
--> statement-breakpoint
CREATE TRIGGER logic_challenges_content_version_truncate AFTER TRUNCATE ON logic_challenges FOR EACH STATEMENT EXECUTE FUNCTION bump_content_version('challenges');
