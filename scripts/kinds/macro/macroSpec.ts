import { z } from "zod";
import { MACRO_MECHANISMS } from "../../model/vocabulary.ts";
import { checkRebootOptions, integerAtLeast, listOf, oneOf, specIdentity } from "../../spec/schema.ts";

// A macrobenchmark spec ("kind: macro"): whole programs timed under an
// interception mechanism, beside the microbenchmark cells of the other specs.

/** What a mechanism is told to intercept: every system call, or the socket calls only (tt-macro -c). */
export const CALL_SELECTIONS = ["all", "socket"] as const;
export type CallSelection = (typeof CALL_SELECTIONS)[number];
export const SERVER_MODES = ["keepalive", "close"] as const;
export type ServerMode = (typeof SERVER_MODES)[number];
export const CONTENT_KINDS = ["text", "random", "zeros"] as const;
export type ContentKind = (typeof CONTENT_KINDS)[number];

const findWorkload = z.strictObject({
  type: z.literal("find"),
  files: integerAtLeast(1),
  dirs: integerAtLeast(0),
  maxFileBytes: integerAtLeast(0).default(4096),
  seed: integerAtLeast(0),
});

const gzipWorkload = z.strictObject({
  type: z.literal("gzip"),
  bytes: integerAtLeast(1),
  content: oneOf("content kind", CONTENT_KINDS),
  seed: integerAtLeast(0),
});

const serverWorkload = z.strictObject({
  type: z.literal("server"),
  requests: integerAtLeast(1),
  concurrency: integerAtLeast(1).max(256, { error: "expected at most 256 (threads of tt-load)" }),
  modes: listOf("mode", oneOf("mode", SERVER_MODES)),
  // Each mechanism runs under each selection it can make; the others are skipped with tt-macro's reason.
  calls: listOf("call selection", oneOf("call selection", CALL_SELECTIONS)).default(["all"]),
  port: integerAtLeast(0).max(65535, { error: "expected a TCP port, 0 to 65535" }).default(0), // 0: the kernel chooses
});

const workload = z.discriminatedUnion("type", [findWorkload, gzipWorkload, serverWorkload], {
  error: (iss) => `expected a workload with type find, gzip or server, got ${JSON.stringify(iss.input ?? null)}`,
});

export const macroSpecSchema = z
  .strictObject({
    kind: z.literal("macro"),
    ...specIdentity,
    mechanisms: listOf("mechanism", oneOf("mechanism", MACRO_MECHANISMS)),
    repetitions: integerAtLeast(1),
    timeoutSeconds: integerAtLeast(1).default(120),
    workloads: listOf("workload", workload),
  })
  .superRefine((spec, ctx) => {
    checkRebootOptions(spec, ctx);
    // Rows are keyed by workload type (and server mode), so each type appears once.
    spec.workloads.forEach((w, i) => {
      if (spec.workloads.findIndex((o) => o.type === w.type) !== i) {
        ctx.addIssue({ code: "custom", path: ["workloads", i, "type"], message: `a second ${w.type} workload (each type once)` });
      }
    });
  });

export type MacroSpec = z.infer<typeof macroSpecSchema>;
export type FindWorkload = z.infer<typeof findWorkload>;
export type GzipWorkload = z.infer<typeof gzipWorkload>;
export type ServerWorkload = z.infer<typeof serverWorkload>;
export type Workload = MacroSpec["workloads"][number];
