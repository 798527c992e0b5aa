import { InputError } from "../inputError.ts";
import { BLOCK_SIZE, FIELD, TYPE, headerChecksum, padding, type FieldName } from "./tarFormat.ts";

export type TarMemberKind = "file" | "directory" | "symlink" | "hardlink" | "other";

/** One entry as the archive states it; nothing here is trusted yet. */
export interface TarMember {
  path: string;
  kind: TarMemberKind;
  typeflag: string;
  linkTarget: string;
  data: Buffer;
}

function text(block: Buffer, field: FieldName): string {
  const [at, length] = FIELD[field];
  const bytes = block.subarray(at, at + length);
  const nul = bytes.indexOf(0);
  return bytes.subarray(0, nul === -1 ? length : nul).toString("utf8");
}

function kindOf(typeflag: string): TarMemberKind {
  switch (typeflag) {
    case TYPE.file:
    case "\0":
    case "7": // contiguous file: a regular file to every reader
      return "file";
    case TYPE.directory:
      return "directory";
    case TYPE.symlink:
      return "symlink";
    case TYPE.hardlink:
      return "hardlink";
    default:
      return "other";
  }
}

/** The records of a pax extended header ("<length> <key>=<value>\n" each), or null when malformed. */
function paxRecords(data: Buffer): Map<string, string> | null {
  const records = new Map<string, string>();
  let at = 0;
  while (at < data.length && data[at] !== 0) {
    const space = data.indexOf(0x20, at);
    const length = Number(data.subarray(at, space).toString("ascii"));
    const record = data.subarray(space + 1, at + length).toString("utf8");
    const equals = record.indexOf("=");
    if (space === -1 || !Number.isInteger(length) || length <= 0 || at + length > data.length || equals === -1 || !record.endsWith("\n")) return null;
    records.set(record.slice(0, equals), record.slice(equals + 1, -1));
    at += length;
  }
  return records;
}

/**
 * Parse a tar archive held in memory: ustar, pax (path, linkpath and size
 * records) and GNU long names. A damaged or cut-off archive throws InputError
 * naming the source and the byte offset.
 */
export function readTar(tar: Buffer, source: string): TarMember[] {
  const fail = (offset: number, why: string) => new InputError(`${source}: ${why} (at byte ${offset} of the tar stream)`);
  const members: TarMember[] = [];
  let override: { path?: string; linkTarget?: string; size?: number } = {};
  let offset = 0;
  for (;;) {
    if (offset + BLOCK_SIZE > tar.length) {
      throw fail(offset, offset === 0 ? "empty archive" : "archive is truncated: it ends without the end-of-archive blocks");
    }
    const block = tar.subarray(offset, offset + BLOCK_SIZE);
    if (block.every((b) => b === 0)) return members;
    if (!text(block, "magic").startsWith("ustar")) throw fail(offset, "not a tar archive (no ustar header)");
    const stored = Number.parseInt(text(block, "checksum").trim(), 8);
    if (stored !== headerChecksum(block)) throw fail(offset, "corrupted tar header (checksum mismatch)");
    const sizeText = text(block, "size").trim();
    if (!/^[0-7]+$/.test(sizeText)) throw fail(offset, `corrupted tar header (size "${sizeText}")`);
    const size = override.size ?? Number.parseInt(sizeText, 8);
    const start = offset + BLOCK_SIZE;
    if (start + size > tar.length) throw fail(offset, "archive is truncated: an entry's data is cut off");
    const data = tar.subarray(start, start + size);
    const typeflag = String.fromCharCode(block[FIELD.typeflag[0]]);
    offset = start + size + padding(size);

    switch (typeflag) {
      case TYPE.paxHeader: {
        const records = paxRecords(data);
        const paxSize = records?.get("size");
        if (!records || (paxSize !== undefined && !/^\d+$/.test(paxSize))) throw fail(start - BLOCK_SIZE, "malformed pax extended header");
        override = { path: records.get("path"), linkTarget: records.get("linkpath"), size: paxSize === undefined ? undefined : Number(paxSize) };
        continue;
      }
      case TYPE.paxGlobalHeader:
        continue; // defaults for later entries; none of its keys matter for reading a bag
      case TYPE.gnuLongName:
        override = { ...override, path: data.toString("utf8").replace(/\0.*$/s, "") };
        continue;
      case TYPE.gnuLongLink:
        override = { ...override, linkTarget: data.toString("utf8").replace(/\0.*$/s, "") };
        continue;
    }
    // Only the POSIX ustar magic ("ustar\0") has a prefix field; GNU's keeps other data there.
    const prefix = text(block, "version") === "00" ? text(block, "prefix") : "";
    const name = text(block, "name");
    members.push({
      path: override.path ?? (prefix ? `${prefix}/${name}` : name),
      kind: kindOf(typeflag),
      typeflag,
      linkTarget: override.linkTarget ?? text(block, "linkname"),
      data,
    });
    override = {};
  }
}
