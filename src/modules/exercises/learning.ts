// The learning API in one plugin for app.ts: exercises, attempts at them, and the progress and
// badges those attempts build.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import attemptRoutes from '../attempts/routes.js';
import badgeRoutes from '../badges/routes.js';
import progressRoutes from '../progress/routes.js';
import exerciseRoutes from './routes.js';

const learningRoutes: FastifyPluginAsyncZod = async (app) => {
  await app.register(exerciseRoutes);
  await app.register(attemptRoutes);
  await app.register(progressRoutes);
  await app.register(badgeRoutes);
};

export default learningRoutes;
