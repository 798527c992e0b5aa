import type { z } from "zod";

/** What the spec stage needs of an experiment kind: what its specs may say. */
export interface SpecKind<Spec = unknown> {
  /** The spec's `kind:` (micro when a spec does not say). */
  readonly name: string;
  /** What a spec of this kind may say; unknown fields are errors. */
  readonly schema: z.ZodType<Spec>;
  /** Older spellings of top-level fields, accepted with a warning: old name → new name. */
  readonly renamedFields?: Record<string, string>;
}
