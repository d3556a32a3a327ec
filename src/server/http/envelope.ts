import { z } from 'zod';

/** The one success envelope: `{ data }`. */
export function envelope<T extends z.ZodType>(data: T) {
  return z.object({ data });
}

/** The one error envelope: a stable id, a translated message, optional details. */
export const errorEnvelope = z.object({
  error: z.object({
    id: z.string(),
    message: z.string(),
    requestId: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type ErrorEnvelope = z.infer<typeof errorEnvelope>;
