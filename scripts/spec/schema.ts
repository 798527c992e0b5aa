import { z } from "zod";
import { REBOOT_MODES } from "../model/machineRecord.ts";
import { DEFAULT_ANALYSIS } from "../model/manifest.ts";
import { CALLS, FDS, PLACEMENTS, canonicalTracer, parseTracer } from "../model/vocabulary.ts";

// Messages say what was expected and what was found; load.ts adds file:line:col and the field path.

export const shown = (input: unknown) => (input === undefined ? "nothing" : JSON.stringify(input));

export function oneOf<const T extends readonly [string, ...string[]]>(what: string, names: T) {
  return z.enum(names, {
    error: (iss) =>
      typeof iss.input === "string"
        ? `unknown ${what} ${shown(iss.input)} (known: ${names.join(", ")})`
        : `expected a ${what} name (one of ${names.join(", ")}), got ${shown(iss.input)}`,
  });
}

export function listOf<T extends z.ZodType>(what: string, item: T) {
  return z
    .array(item, { error: (iss) => `expected a list of ${what}s, got ${shown(iss.input)}` })
    .min(1, { error: `expected at least one ${what}` });
}

export function integerAtLeast(min: number) {
  const expected = `expected an integer >= ${min}`;
  return z
    .number({ error: (iss) => `${expected}, got ${shown(iss.input)}` })
    .int({ error: (iss) => `${expected}, got ${shown(iss.input)}` })
    .min(min, { error: (iss) => `${expected}, got ${shown(iss.input)}` });
}

export const text = (what: string) => z.string({ error: (iss) => `expected ${what} (text), got ${shown(iss.input)}` });

/** "mechanism[:handler]", stored in its canonical spelling. */
const tracerName = text("a mechanism name").transform((name, ctx) => {
  const parts = parseTracer(name);
  if (typeof parts === "string") {
    ctx.addIssue({ code: "custom", message: parts });
    return z.NEVER;
  }
  return canonicalTracer(parts);
});

export const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;



const analysisSchema = z.strictObject({
  bootstrapResamples: integerAtLeast(100).default(DEFAULT_ANALYSIS.bootstrapResamples),
  seed: integerAtLeast(0).default(DEFAULT_ANALYSIS.seed),
});

/** What every spec says whatever its kind: who it is and where it runs. */
export const specIdentity = {
  name: text("a short name for the experiment").regex(/^[a-z0-9][a-z0-9-]*$/, {
    error: "expected lower-case letters, digits and dashes",
  }),
  title: text("a title"),
  source: text("the study this spec reproduces").optional(),
  hosts: listOf(
    "host",
    text("a host name").regex(HOST_NAME, { error: (iss) => `invalid host name ${shown(iss.input)}` }),
  ).default(["local"]),
  reboot: oneOf("reboot mode", REBOOT_MODES).default("as-needed"),
  // Under reboot: between-blocks, how many blocks each boot measures; two or more let a boot's trials vary among themselves.
  blocksPerBoot: integerAtLeast(1).optional(),
};

/** blocksPerBoot belongs to reboot: between-blocks, and a run of boots has the blocks its spec gives, not more on demand. */
export function checkRebootOptions(spec: { reboot: string; blocksPerBoot?: number; precision?: unknown }, ctx: z.RefinementCtx): void {
  if (spec.blocksPerBoot !== undefined && spec.reboot !== "between-blocks") {
    ctx.addIssue({ code: "custom", path: ["blocksPerBoot"], message: `blocks per boot apply to reboot: between-blocks only (this spec reboots ${spec.reboot})` });
  }
  if (spec.precision !== undefined && spec.reboot === "between-blocks") {
    ctx.addIssue({
      code: "custom",
      path: ["precision"],
      message: "a precision goal adds blocks one at a time; under reboot: between-blocks the blocks come in boots: give trials instead",
    });
  }
}

/** A microbenchmark spec: the paper's grid of calls, descriptors, mechanisms and placements. */
export const specSchema = z
  .strictObject({
    kind: z.literal("micro", { error: "expected micro" }).optional(),
    ...specIdentity,
    calls: listOf("call", oneOf("call", CALLS)),
    fds: listOf("descriptor kind", oneOf("descriptor kind", FDS)),
    mechanisms: listOf("mechanism", tracerName),
    placements: listOf("placement", oneOf("placement", PLACEMENTS)).default(["unpinned"]),
    rounds: integerAtLeast(1),
    warmup: integerAtLeast(0).default(5),
    trials: integerAtLeast(1),
    timeoutSeconds: integerAtLeast(1).default(60),
    // Blocks are added beyond `trials` until every traced cell's ratio is known to ±ratio (a fraction), or maxMinutes have passed.
    precision: z
      .strictObject({
        ratio: z.number({ error: (iss) => `expected a fraction such as 0.05, got ${shown(iss.input)}` }).gt(0, { error: "expected a fraction above 0" }).lt(1, { error: "expected a fraction below 1" }),
        maxMinutes: z.number({ error: (iss) => `expected minutes, got ${shown(iss.input)}` }).gt(0, { error: "expected more than 0 minutes" }),
      })
      .optional(),
    // The spec's blocks are spread over at least this many seconds (a pause after each block that ends early).
    spreadSeconds: integerAtLeast(0).default(0),
    analysis: analysisSchema.default(DEFAULT_ANALYSIS),
  })
  .superRefine(checkRebootOptions);

export type Spec = z.infer<typeof specSchema>;
