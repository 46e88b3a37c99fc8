// The operationId of every route, in one place: the generated client's function names
// (client/src/generated), so renaming one is a breaking change for the frontend.
// Keyed by `METHOD path` as the OpenAPI document writes it; test/contract/operation-ids.test.ts
// checks that every operation has one and that they are unique.
export const OPERATION_IDS: Readonly<Record<string, string>> = {
  'POST /api/auth/register': 'register',
  'POST /api/auth/login': 'login',
  'POST /api/auth/refresh': 'refreshTokens',
  'POST /api/auth/logout': 'logout',
  'GET /api/auth/me': 'getCurrentAccount',

  'GET /api/users': 'listUsers',
  'GET /api/users/me': 'getMyProfile',
  'PATCH /api/users/me': 'updateMyProfile',
  'PUT /api/users/me/password': 'changeMyPassword',
  'DELETE /api/users/me': 'eraseMyAccount',
  'GET /api/users/me/export': 'exportMyData',
  'GET /api/users/{id}': 'getUser',
  'PATCH /api/users/{id}': 'updateUser',
  'DELETE /api/users/{id}': 'deleteUser',
  'GET /api/users/{id}/stats': 'getUserStats',
  'GET /api/users/{id}/progress': 'getUserProgress',

  'GET /api/exercises': 'listExercises',
  'POST /api/exercises': 'createExercise',
  'GET /api/exercises/types': 'listExerciseTypes',
  'GET /api/exercises/difficulties': 'listDifficulties',
  'GET /api/exercises/random': 'getRandomExercise',
  'POST /api/exercises/generate': 'generateExercise',
  'GET /api/exercises/{id}': 'getExercise',
  'PATCH /api/exercises/{id}': 'updateExercise',
  'DELETE /api/exercises/{id}': 'deleteExercise',
  'POST /api/exercises/{id}/attempts': 'submitExerciseAttempt',

  'GET /api/attempts': 'listAttempts',
  'GET /api/attempts/{id}': 'getAttempt',

  'GET /api/progress': 'getMyProgress',
  'GET /api/progress/{exercise_type}': 'getMyProgressByType',

  'GET /api/challenges': 'listChallenges',
  'POST /api/challenges': 'createChallenge',
  'GET /api/challenges/{id}': 'getChallenge',
  'PATCH /api/challenges/{id}': 'updateChallenge',
  'DELETE /api/challenges/{id}': 'deleteChallenge',
  'POST /api/challenges/{id}/attempts': 'submitChallengeAttempt',
  'GET /api/challenges/{id}/hints/{level}': 'getChallengeHints',
  'GET /api/challenges/{id}/stats': 'getChallengeStats',

  'GET /admin/health': 'getHealth',
  'GET /admin/stats': 'getAdminStats',
  'POST /admin/optimize': 'optimizeDatabase',
  'GET /admin/dashboard/overview': 'getDashboardOverview',
  'GET /admin/dashboard/queries': 'getDashboardQueries',
  'POST /admin/dashboard/queries/enable': 'enableQueryStatistics',
  'GET /admin/dashboard/space': 'getDashboardSpace',
  'GET /admin/dashboard/connections': 'getDashboardConnections',
  'POST /admin/dashboard/connections/{pid}/{action}': 'actOnConnection',
  'GET /admin/dashboard/maintenance': 'getDashboardMaintenance',
  'POST /admin/dashboard/backup': 'createBackup',
  'POST /admin/dashboard/snapshot': 'createSnapshot',
  'GET /admin/dashboard/learning': 'getDashboardLearning',
};
