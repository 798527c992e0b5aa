import { InputError } from "../inputError.ts";
import { MANIFEST_FORMAT, type Manifest } from "../results/manifest.ts";
import { readManifest, runPaths } from "../results/runDir.ts";

/** Refuse a manifest this tracetax cannot read: written by a newer version, its fields may mean something else. */
export function checkManifestFormat(manifest: Manifest, path: string): void {
  if (typeof manifest !== "object" || manifest === null || typeof manifest.format !== "number") {
    throw new InputError(`${path}: not a tracetax manifest (no format number)`);
  }
  if (manifest.format > MANIFEST_FORMAT) {
    throw new InputError(`${path}: manifest format ${manifest.format} is newer than this tracetax reads (${MANIFEST_FORMAT}); use a newer tracetax`);
  }
}

/** manifest.json of a run directory, in a format this tracetax reads. */
export function readKnownManifest(dir: string): Manifest {
  const manifest = readManifest(dir);
  checkManifestFormat(manifest, runPaths(dir).manifest);
  return manifest;
}
