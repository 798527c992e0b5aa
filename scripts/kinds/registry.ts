import { InputError } from "../inputError.ts";
import type { RunManifest } from "../model/manifest.ts";
import { readManifest, runPaths } from "../results/runDir.ts";
import { loadSpecOfKind, type LoadedSpec } from "../spec/loadSpec.ts";
import type { ExperimentKind } from "./kind.ts";
import { macroKind } from "./macro/index.ts";
import { microKind } from "./micro/index.ts";

/** Every experiment kind, the default (a spec without `kind:`) first. */
export const KINDS: readonly ExperimentKind[] = [microKind, macroKind];

/** A spec file of any kind, checked against its kind's schema. */
export function loadSpec(path: string, kinds = KINDS): { kind: ExperimentKind; spec: LoadedSpec<{ hosts: string[] }> } {
  const { kind, spec } = loadSpecOfKind(path, kinds);
  return { kind, spec: spec as LoadedSpec<{ hosts: string[] }> };
}

/** A run directory's manifest and the kind that reads it. */
export function readRun(dir: string, kinds = KINDS): { kind: ExperimentKind; manifest: RunManifest } {
  const manifest = readManifest(dir);
  const kind = kinds.find((k) => k.name === manifest.kind);
  if (!kind) throw new InputError(`${runPaths(dir).manifest}: kind "${manifest.kind}" is not one this tracetax knows (${kinds.map((k) => k.name).join(", ")})`);
  return { kind, manifest };
}
