import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { InputError } from "../inputError.ts";
import type { Bag } from "./bagit.ts";
import { readTar, type TarMember } from "./tarReader.ts";


/** The tar stream of a .tar.gz, or of a plain .tar. */
function tarStream(bytes: Buffer, path: string): Buffer {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (err) {
    throw new InputError(`${path}: the archive is truncated or corrupted (gzip: ${(err as Error).message})`);
  }
}

/**
 * An entry's path as parts below the archive's root, refusing any that could
 * land outside the directory it is extracted into. "./x" is "x", as tar
 * writes paths when packing "." (`tar -czf x.tar.gz -C DIR .`); the "./"
 * entry itself, that root, has no parts.
 */
function safeParts(member: TarMember, path: string): string[] {
  const refuse = (why: string) => new InputError(`${path}: refused: entry "${member.path}" ${why}`);
  if (member.kind === "symlink" || member.kind === "hardlink") {
    throw refuse(`is a ${member.kind === "symlink" ? "symbolic" : "hard"} link (to "${member.linkTarget}"); a bag holds plain files only`);
  }
  if (member.kind === "other") throw refuse(`is of tar type "${member.typeflag}", not a plain file; a bag holds plain files only`);
  if (member.path.startsWith("/")) throw refuse("has an absolute path");
  const parts = member.path.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) throw refuse('has ".." in its path');
  if (parts.length === 0 && member.kind !== "directory") throw refuse("has an empty path");
  return parts;
}

/**
 * Read a bag archive (.tar.gz or .tar) into memory, checking every entry
 * before anything is used: plain files and directories only, relative paths
 * without "..", all inside one top directory (the bag), no path twice.
 */
export function readBagArchive(path: string): Bag {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new InputError(`${path}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const members = readTar(tarStream(bytes, path), path);
  let name: string | null = null;
  const files = new Map<string, Buffer>();
  const dirs = new Set<string>();
  for (const member of members) {
    const parts = safeParts(member, path);
    if (parts.length === 0) continue; // the root the archive was packed from
    const [top, ...rest] = parts;
    name ??= top;
    if (top !== name) throw new InputError(`${path}: refused: entry "${member.path}" is outside the bag directory "${name}/"`);
    if (member.kind === "directory") {
      for (let depth = 1; depth <= rest.length; depth++) dirs.add(rest.slice(0, depth).join("/"));
      continue;
    }
    if (rest.length === 0) throw new InputError(`${path}: refused: entry "${member.path}" is a file where the bag directory should be`);
    const relative = rest.join("/");
    if (files.has(relative)) throw new InputError(`${path}: refused: entry "${member.path}" appears twice`);
    files.set(relative, member.data);
    for (let depth = 1; depth < rest.length; depth++) dirs.add(rest.slice(0, depth).join("/"));
  }
  if (name === null) throw new InputError(`${path}: the archive is empty`);
  for (const file of files.keys()) {
    if (dirs.has(file)) throw new InputError(`${path}: refused: "${name}/${file}" is both a file and a directory`);
  }
  return { name, files };
}
