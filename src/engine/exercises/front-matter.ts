// The front matter of an exercise file: who it is and which lab it runs on.
import { z } from 'zod';

export const frontMatterSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'an id is lowercase letters, digits and "-"'),
  title: z.string().min(1),
  /** Name of a built-in lab (resources/labs). */
  lab: z.string().regex(/^[a-z][a-z0-9-]{0,19}$/, 'the name of a built-in lab'),
  minutes: z.number().int().min(1).max(240),
});

export type FrontMatter = z.infer<typeof frontMatterSchema>;
