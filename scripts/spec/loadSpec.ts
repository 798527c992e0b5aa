import { z } from "zod";
import { loadYaml, type LoadedYaml } from "./load.ts";
import { oneOf } from "./schema.ts";
import type { SpecKind } from "./specKind.ts";

export type LoadedSpec<T = unknown> = LoadedYaml<T>;

/**
 * Read a spec of any of these kinds: its `kind:` (micro when it says none)
 * picks the schema the whole file is then checked against.
 */
export function loadSpecOfKind<K extends SpecKind>(path: string, kinds: readonly K[]): { kind: K; spec: LoadedSpec } {
  const names = kinds.map((k) => k.name) as [string, ...string[]];
  const { value } = loadYaml(path, z.looseObject({ kind: oneOf("kind", names).default(names[0]) }));
  const kind = kinds.find((k) => k.name === value.kind)!;
  return { kind, spec: loadYaml(path, kind.schema, kind.renamedFields) };
}
