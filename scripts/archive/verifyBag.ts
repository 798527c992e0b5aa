import { InputError } from "../inputError.ts";
import {
  BAG_INFO_TXT,
  BAGIT_TXT,
  byPath,
  checksum,
  isKnownAlgorithm,
  isPayloadPath,
  manifestsIn,
  parseManifest,
  parseTagFile,
  payloadFiles,
  payloadOxum,
  type Bag,
  type ManifestKind,
} from "./bagit.ts";

export interface BagVerification {
  /** One line per problem: "changed: data/raw.csv", "missing: …", "extra: …", or a Payload-Oxum mismatch. */
  problems: string[];
  payloadFiles: number;
  algorithms: string[];
}

interface ParsedManifest {
  fileName: string;
  algorithm: string;
  entries: Map<string, string>;
}

/** The bag's manifests of one kind, parsed; one that cannot be read makes the bag malformed (InputError). */
function parsedManifests(bag: Bag, kind: ManifestKind, source: string): ParsedManifest[] {
  return manifestsIn(bag, kind).map(({ algorithm, fileName, text }) => {
    const where = `${source}: ${bag.name}/${fileName}`;
    if (!isKnownAlgorithm(algorithm)) throw new InputError(`${where}: unsupported checksum algorithm "${algorithm}"`);
    const parsed = parseManifest(text);
    if ("badLine" in parsed) throw new InputError(`${where}:${parsed.badLine}: expected "<checksum> <path>"`);
    return { fileName, algorithm, entries: parsed.entries };
  });
}

/**
 * Check a bag as RFC 8493 defines valid: bagit.txt declares a version, every
 * payload file is in every payload manifest, every checksum of the payload
 * and tag manifests matches, and Payload-Oxum agrees with the payload.
 * A bag too broken to check (no bagit.txt, no manifest, unreadable
 * manifest) throws InputError.
 */
export function verifyBag(bag: Bag, source: string): BagVerification {
  const declaration = bag.files.get(BAGIT_TXT);
  if (!declaration) throw new InputError(`${source}: not a BagIt bag: no ${bag.name}/${BAGIT_TXT}`);
  if (!parseTagFile(declaration.toString("utf8")).some(([label]) => label === "BagIt-Version")) {
    throw new InputError(`${source}: ${bag.name}/${BAGIT_TXT} does not declare a BagIt-Version`);
  }
  const manifests = parsedManifests(bag, "manifest", source);
  if (manifests.length === 0) throw new InputError(`${source}: not a BagIt bag: no manifest-<algorithm>.txt in ${bag.name}/`);
  for (const m of manifests) {
    const outside = [...m.entries.keys()].find((path) => !isPayloadPath(path));
    if (outside !== undefined) throw new InputError(`${source}: ${bag.name}/${m.fileName}: "${outside}" is not in data/`);
  }

  const changed = new Set<string>();
  const missing = new Set<string>();
  for (const m of [...manifests, ...parsedManifests(bag, "tagmanifest", source)]) {
    for (const [path, expected] of m.entries) {
      const data = bag.files.get(path);
      if (data === undefined) missing.add(path);
      else if (checksum(m.algorithm, data) !== expected) changed.add(path);
    }
  }
  const payload = payloadFiles(bag);
  const extra = payload.map(([path]) => path).filter((path) => manifests.some((m) => !m.entries.has(path)));

  const problems = [
    ...[...changed].sort(byPath).map((path) => `changed: ${path}`),
    ...[...missing].sort(byPath).map((path) => `missing: ${path}`),
    ...extra.sort(byPath).map((path) => `extra: ${path}`),
  ];
  const info = bag.files.get(BAG_INFO_TXT);
  const statedOxum = info && parseTagFile(info.toString("utf8")).find(([label]) => label === "Payload-Oxum")?.[1];
  const actualOxum = payloadOxum(bag);
  if (statedOxum && statedOxum !== actualOxum) {
    problems.push(`Payload-Oxum: ${BAG_INFO_TXT} says ${statedOxum} (octets.files), the payload is ${actualOxum}`);
  }
  return { problems, payloadFiles: payload.length, algorithms: manifests.map((m) => m.algorithm) };
}
