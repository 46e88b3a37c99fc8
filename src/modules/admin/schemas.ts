import { z } from 'zod';

export const healthBodySchema = z
  .object({
    status: z.enum(['pass', 'warn', 'fail']),
    description: z.string().optional(),
    output: z.string().optional(),
  })
  .meta({ id: 'Health' });
export type HealthBody = z.infer<typeof healthBodySchema>;
