import { fileURLToPath } from "node:url";

/** results/reference/: the published numbers, transcribed from the papers. */
export const REFERENCE_DIR = fileURLToPath(new URL("../../results/reference/", import.meta.url));
