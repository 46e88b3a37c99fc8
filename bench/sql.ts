// The SQL the API runs for the benchmarked routes, written out by hand for the raw drivers, so the
// bare reference server (bare-server.ts) does the same database work as the app:
// - GET /api/exercises/:id: counts the view (UPDATE … RETURNING, in a transaction), then looks up
//   whether the learner attempted it (src/modules/exercises/service.ts getExercise/viewsFor);
// - GET /api/exercises?limit=20: one page, its total, the learner's attempted ids (listExercises);
// - POST /api/exercises/:id/attempts: in one transaction, the exercise, the progress upsert, the
//   "solved before?", the attempt with its attempt_number, the points (src/modules/attempts/service.ts
//   submitAttempt);
// - GET /api/progress: the learner's progress rows (src/modules/progress/service.ts).
// Each statement is written once with named parameters: `${'name'}` becomes $n for pg and @name
// for better-sqlite3.

export interface Statement {
  pg: string;
  sqlite: string;
  names: string[];
}

function statement(strings: TemplateStringsArray, ...names: string[]): Statement {
  const order: string[] = [];
  let pg = strings[0];
  let sqlite = strings[0];
  names.forEach((name, i) => {
    let position = order.indexOf(name);
    if (position === -1) position = order.push(name) - 1;
    pg += `$${position + 1}${strings[i + 1]}`;
    sqlite += `@${name}${strings[i + 1]}`;
  });
  return { pg, sqlite, names: order };
}

export const countView = statement`update exercises set view_count = case when view_count < 2147483647 then view_count + 1 else view_count end, updated_at = updated_at
  where id = ${'id'} and is_archived = ${'false_'} and is_active = ${'true_'} returning *`;

/** `exercise_id in (…)` takes one parameter per id: e0, e1, … */
export function attemptedAmong(count: number): Statement {
  const ids = Array.from({ length: count }, (_, i) => `e${i}`);
  const head = 'select distinct exercise_id from attempts where user_id = ';
  return {
    pg: `${head}$1 and exercise_id in (${ids.map((_, i) => `$${i + 2}`).join(', ')})`,
    sqlite: `${head}@user_id and exercise_id in (${ids.map((id) => `@${id}`).join(', ')})`,
    names: ['user_id', ...ids],
  };
}

export const pageOfExercises = statement`select * from exercises where is_archived = ${'false_'} and is_active = ${'true_'}
  order by id limit ${'limit'} offset ${'offset'}`;
export const countExercises = statement`select count(*) as total from exercises where is_archived = ${'false_'} and is_active = ${'true_'}`;

export const exerciseById = statement`select * from exercises where id = ${'id'}`;

export const upsertProgress = statement`insert into progress (user_id, exercise_type, difficulty, total_attempts, correct_attempts,
    completion_rate, mastery_level, streak, highest_streak, timed_attempts, average_time, last_active_date, last_updated)
  values (${'user_id'}, ${'exercise_type'}, ${'difficulty'}, 1, ${'correct'}, ${'first_rate'}, ${'first_mastery'}, ${'correct'}, ${'correct'}, 1, ${'time_spent'}, ${'at'}, ${'at'})
  on conflict (user_id, exercise_type, difficulty) do update set
    total_attempts = progress.total_attempts + 1,
    correct_attempts = progress.correct_attempts + ${'correct'},
    completion_rate = 100.0 * (progress.correct_attempts + ${'correct'}) / (progress.total_attempts + 1),
    mastery_level = case
      when 100 * (progress.correct_attempts + ${'correct'}) >= 95 * (progress.total_attempts + 1) then 5
      when 100 * (progress.correct_attempts + ${'correct'}) >= 85 * (progress.total_attempts + 1) then 4
      when 100 * (progress.correct_attempts + ${'correct'}) >= 70 * (progress.total_attempts + 1) then 3
      when 100 * (progress.correct_attempts + ${'correct'}) >= 50 * (progress.total_attempts + 1) then 2
      else 1 end,
    streak = case when ${'correct'} = 1 then progress.streak + 1 else 0 end,
    highest_streak = case when ${'correct'} = 1 and progress.streak + 1 > progress.highest_streak then progress.streak + 1 else progress.highest_streak end,
    timed_attempts = progress.timed_attempts + 1,
    average_time = (coalesce(progress.average_time, 0) * progress.timed_attempts + ${'time_spent'}) / (progress.timed_attempts + 1),
    last_active_date = ${'at'},
    last_updated = ${'at'}
  returning *`;

/** Whether the learner already solved this exercise: points go to the first correct answer only. */
export const solvedBefore = statement`select id from attempts where user_id = ${'user_id'} and exercise_id = ${'exercise_id'} and is_correct = ${'true_'} limit 1`;

export const insertAttempt = statement`insert into attempts (user_id, exercise_id, user_answer, is_correct, time_spent, hints_used, attempt_number, created_at)
  values (${'user_id'}, ${'exercise_id'}, ${'user_answer'}, ${'is_correct'}, ${'time_spent'}, 0,
    (select count(*) + 1 from attempts where user_id = ${'user_id'} and exercise_id = ${'exercise_id'}), ${'at'})
  returning *`;

export const awardPoints = statement`update users set total_points = total_points + ${'points'}, experience_points = experience_points + ${'points'},
    current_level = (experience_points + ${'points'}) / 100 + 1,
    jedi_rank = case when experience_points + ${'points'} >= 5000 then 'grand_maitre' when experience_points + ${'points'} >= 2000 then 'maitre'
      when experience_points + ${'points'} >= 500 then 'chevalier' when experience_points + ${'points'} >= 100 then 'padawan' else 'youngling' end
  where id = ${'user_id'}`;

export const progressOf = statement`select * from progress where user_id = ${'user_id'}`;
