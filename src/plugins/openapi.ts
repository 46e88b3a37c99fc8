// OpenAPI 3 generated from the routes' zod schemas: the document at /docs/json, the UI at /docs.
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

export default fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Mathakine API',
          description:
            'Backend of Mathakine, the Star Wars themed math-learning platform: exercises from initié to maître, logic challenges, attempts and progress.',
          version: '1.0.0',
        },
        tags: [
          { name: 'auth', description: 'Sign up, sign in, tokens' },
          { name: 'users', description: 'Accounts and their statistics' },
          { name: 'exercises', description: 'Math exercises and their generator' },
          { name: 'attempts', description: 'Answers to exercises' },
          { name: 'progress', description: 'Progress per exercise type and difficulty' },
          { name: 'challenges', description: 'Logic challenges (Épreuves du Conseil Jedi)' },
          { name: 'admin', description: 'Health, statistics and database maintenance' },
        ],
        components: {
          securitySchemes: {
            bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          },
        },
      },
      transform: jsonSchemaTransform,
      transformObject: jsonSchemaTransformObject,
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
  },
  { name: 'openapi' },
);
