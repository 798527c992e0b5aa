// The BagIt file packaging format, version 1.0 (RFC 8493): what its tag
// files say and how they are written and read.
import { createHash, getHashes } from "node:crypto";

/** A bag held in memory: its base directory's name and every file in it, by path relative to that directory. */
export interface Bag {
  name: string;
  files: Map<string, Buffer>;
}

export const BAGIT_TXT = "bagit.txt";
export const BAG_INFO_TXT = "bag-info.txt";
export const PAYLOAD_DIR = "data";

/** Every bag gets two manifests, so that the payload stays checkable should one hash function be broken. */
export const CHECKSUM_ALGORITHMS = ["sha256", "sha512"] as const;

export function bagitDeclaration(): string {
  return "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";
}

export function isPayloadPath(path: string): boolean {
  return path.startsWith(`${PAYLOAD_DIR}/`);
}

export function payloadFiles(bag: Bag): [string, Buffer][] {
  return [...bag.files].filter(([path]) => isPayloadPath(path));
}

export type ManifestKind = "manifest" | "tagmanifest";

export function manifestFileName(kind: ManifestKind, algorithm: string): string {
  return `${kind}-${algorithm}.txt`;
}

/** The manifests of one kind a bag holds, by algorithm ("manifest-sha256.txt" → sha256). */
export function manifestsIn(bag: Bag, kind: ManifestKind): { algorithm: string; fileName: string; text: string }[] {
  const pattern = new RegExp(`^${kind}-([A-Za-z0-9]+)\\.txt$`);
  return [...bag.files]
    .map(([fileName, data]) => ({ fileName, match: pattern.exec(fileName), data }))
    .filter((m) => m.match !== null)
    .map((m) => ({ algorithm: m.match![1].toLowerCase(), fileName: m.fileName, text: m.data.toString("utf8") }));
}

export function isKnownAlgorithm(algorithm: string): boolean {
  return getHashes().includes(algorithm);
}

export function checksum(algorithm: string, data: Uint8Array): string {
  return createHash(algorithm).update(data).digest("hex");
}

// In manifest lines only CR, LF and "%" are percent-encoded (RFC 8493, 2.1.3).
function encodePath(path: string): string {
  return path.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function decodePath(path: string): string {
  return path.replace(/%0D/gi, "\r").replace(/%0A/gi, "\n").replace(/%25/g, "%");
}

/** Sort order of paths in manifests and archives: by UTF-16 code units, the same on every machine. */
export function byPath(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** "<checksum> <path>" lines, sorted by path. */
export function formatManifest(files: [string, Buffer][], algorithm: string): string {
  return [...files]
    .sort(([a], [b]) => byPath(a, b))
    .map(([path, data]) => `${checksum(algorithm, data)} ${encodePath(path)}\n`)
    .join("");
}

/** Path → checksum (lower case), or the number of the first line that is not "<checksum> <path>". */
export function parseManifest(text: string): { entries: Map<string, string> } | { badLine: number } {
  const entries = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (const [i, line] of lines.entries()) {
    if (line.trim() === "") continue;
    const m = /^([0-9A-Fa-f]+)[ \t]+(.+)$/.exec(line);
    if (!m) return { badLine: i + 1 };
    entries.set(decodePath(m[2]), m[1].toLowerCase());
  }
  return { entries };
}

/** "Label: value" lines; labels may repeat, and a value never spans lines when written here. */
export function formatTagFile(fields: [string, string][]): string {
  return fields.map(([label, value]) => `${label}: ${value.replace(/\s+/g, " ").trim()}\n`).join("");
}

/** The fields of bagit.txt or bag-info.txt; a line starting with white space continues the value before it. */
export function parseTagFile(text: string): [string, string][] {
  const fields: [string, string][] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (/^[ \t]/.test(line) && fields.length > 0) {
      fields[fields.length - 1][1] += ` ${line.trim()}`;
    } else {
      const colon = line.indexOf(":");
      if (colon > 0) fields.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
    }
  }
  return fields;
}

/** Payload-Oxum: "<octets>.<files>" of the payload, a quick check before any checksum. */
export function payloadOxum(bag: Bag): string {
  const payload = payloadFiles(bag);
  return `${payload.reduce((sum, [, data]) => sum + data.length, 0)}.${payload.length}`;
}
