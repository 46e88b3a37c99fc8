// The SQL the API runs for the benchmarked routes, taken from the app's own prepared queries at
// start-up, so the bare reference server (bare-server.ts) sends the very same statements:
// - GET /api/exercises/:id: the exercise and whether the learner attempted it, one SELECT (the view
//   is counted in memory, off the request path: src/modules/exercises/service.ts getExercise);
// - GET /api/exercises?limit=20: one page with the learner's "attempted?" per row, and its total:
//   the catalogue's version with the learner's own private exercises counted, and the public count
//   only when that version is not the one last counted (listExercises);
// - POST /api/exercises/:id/attempts: in one transaction, the exercise, the progress upsert, the
//   "solved before?", the attempt with its attempt_number, the learner's open recommendations of the
//   exercise marked completed (an UPDATE that finds none in the benchmark), on a first attempt the learner's catalogue
//   version, then the day's streak, the points, their ledger row and their UTC day (point_days), the badges still to earn
//   (src/modules/attempts/service.ts submitAttempt, src/modules/badges/activity.ts);
// - GET /api/progress: the learner's progress rows (src/modules/progress/service.ts).
// Turning the text into SQL happens once; per request the bare server only binds values.
import { Param, Placeholder } from 'drizzle-orm';
import type { Database } from '../src/db/client.js';
import type { PreparedSql } from '../src/db/prepared.js';
import { sqliteStatementText } from '../src/db/sqlite.js';
import { awardPointsQuery, insertAttemptQuery, recordProgressQuery, answerShownQuery } from '../src/modules/attempts/service.js';
import { learnerCatalogueChangedQuery } from '../src/db/catalogue-versions.js';
import { lastActiveDayQuery } from '../src/modules/badges/activity.js';
import { badgesToEarnQuery } from '../src/modules/badges/award.js';
import { exerciseByIdQuery, exerciseViewQuery, listShapeKey, ownCountQuery, pageQuery, publicCountQuery } from '../src/modules/exercises/service.js';
import { addPointDayQuery, insertPointEventQuery } from '../src/modules/gamification/ledger.js';
import { recordActiveDayQuery } from '../src/modules/gamification/streak.js';
import { progressQuery } from '../src/modules/progress/service.js';
import { completeRecommendationsQuery } from '../src/modules/recommendations/service.js';

type Values = Record<string, unknown>;

export interface Statement {
  text: string;
  /** the parameters in order, from the request's values (converted to what the driver takes) */
  bind(values: Values): unknown[];
}

/** A value as the raw driver takes it: SQLite stores booleans as 0/1 and times as ms. */
function driverValue(dialect: Database['dialect'], value: unknown): unknown {
  if (dialect === 'postgres') return value;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'boolean') return Number(value);
  return value;
}

function statement(dialect: Database['dialect'], query: PreparedSql): Statement {
  const binders = query.params.map((param): ((values: Values) => unknown) => {
    const placeholder = param instanceof Placeholder ? param : param instanceof Param && param.value instanceof Placeholder ? param.value : null;
    if (!placeholder) return () => param; // a constant of the query, already as the driver takes it
    const name = placeholder.name as string;
    return (values) => driverValue(dialect, values[name]);
  });
  // the text as the app's SQLite connection prepares it (src/db/sqlite.ts)
  const text = dialect === 'sqlite' ? sqliteStatementText(query.sql) : query.sql;
  return { text, bind: (values) => binders.map((bindOne) => bindOne(values)) };
}

export function benchStatements(database: Database) {
  const { db, tables, dialect } = database;
  const of = (query: PreparedSql) => statement(dialect, query);
  const learnerList = listShapeKey({ audience: 'learner', type: false, difficulty: false, search: false });
  return {
    exerciseView: of(exerciseViewQuery.toSQL(db, tables, 'learner')),
    page: of(pageQuery.toSQL(db, tables, learnerList)),
    ownCount: of(ownCountQuery.toSQL(db, tables, learnerList)),
    publicCount: of(publicCountQuery.toSQL(db, tables, learnerList)),
    exerciseById: of(exerciseByIdQuery.toSQL(db, tables)),
    recordProgress: of(recordProgressQuery.toSQL(db, tables)),
    answerShown: of(answerShownQuery.toSQL(db, tables)),
    insertAttempt: of(insertAttemptQuery.toSQL(db, tables)),
    awardPoints: of(awardPointsQuery.toSQL(db, tables)),
    ledger: of(insertPointEventQuery.toSQL(db, tables)),
    pointDay: of(addPointDayQuery.toSQL(db, tables)),
    completeRecommendations: of(completeRecommendationsQuery.toSQL(db, tables)),
    catalogueChanged: of(learnerCatalogueChangedQuery.toSQL(db, tables)),
    lastActiveDay: of(lastActiveDayQuery.toSQL(db, tables)),
    recordActiveDay: of(recordActiveDayQuery.toSQL(db, tables, 'lock_row')),
    badgesToEarn: of(badgesToEarnQuery.toSQL(db, tables)),
    progressOf: of(progressQuery.toSQL(db, tables, 'all')),
  };
}

export type BenchStatements = ReturnType<typeof benchStatements>;
