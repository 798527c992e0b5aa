import { fileURLToPath } from "node:url";
import { join } from "node:path";

// Where things are in this checkout: the one place that knows the layout.

/** The repository's top directory. */
export const REPO_DIR = fileURLToPath(new URL("../..", import.meta.url));
/** native/: C sources and their Makefile. */
export const NATIVE_DIR = join(REPO_DIR, "native");
/** Where native/ builds on this machine. */
export const BUILD_DIR = join(NATIVE_DIR, "build");
/** results/reference/: the published numbers, transcribed from the papers. */
export const REFERENCE_DIR = join(REPO_DIR, "results", "reference");
/** Where run directories go unless told otherwise. */
export const DEFAULT_RESULTS_DIR = join(REPO_DIR, "results");
/** Where reports go unless told otherwise: report/<run-id>/. */
export const DEFAULT_REPORT_DIR = join(REPO_DIR, "report");
