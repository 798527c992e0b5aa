import { loadYaml, type LoadedYaml } from "./load.ts";
import { specSchema, type Spec } from "./schema.ts";

export type LoadedSpec = LoadedYaml<Spec>;

export function loadSpec(path: string): LoadedSpec {
  return loadYaml(path, specSchema);
}
