import { BLOCK_SIZE, FIELD, TYPE, headerChecksum, padding, paxRecord, type FieldName } from "./tarFormat.ts";

/** A file or a directory to put into a tar archive; paths use "/" and have no trailing slash. */
export interface TarEntry {
  path: string;
  kind: "file" | "directory";
  data: Buffer;
}

// Fixed owner and modes: an archive depends only on the entries and the one mtime given.
const OWNER = { uid: 0, gid: 0, uname: "root", gname: "root" };
const MODE = { file: 0o644, directory: 0o755 };

function putText(header: Buffer, field: FieldName, text: string): void {
  const [at, length] = FIELD[field];
  if (Buffer.byteLength(text) > length) throw new Error(`tar header: ${field} "${text}" is longer than ${length} bytes`);
  header.write(text, at, length, "utf8");
}

function putOctal(header: Buffer, field: FieldName, value: number): void {
  const [, length] = FIELD[field];
  putText(header, field, `${value.toString(8).padStart(length - 1, "0")}\0`);
}

/** Split a path into ustar's prefix and name fields at a "/", or null when it cannot fit. */
function splitUstarPath(path: string): { prefix: string; name: string } | null {
  if (Buffer.byteLength(path) <= FIELD.name[1]) return { prefix: "", name: path };
  for (let slash = path.indexOf("/"); slash > 0; slash = path.indexOf("/", slash + 1)) {
    const prefix = path.slice(0, slash);
    const name = path.slice(slash + 1);
    if (Buffer.byteLength(prefix) > FIELD.prefix[1]) return null;
    if (name !== "" && Buffer.byteLength(name) <= FIELD.name[1]) return { prefix, name };
  }
  return null;
}

function header(o: { name: string; prefix: string; type: string; mode: number; size: number; mtime: number }): Buffer {
  const block = Buffer.alloc(BLOCK_SIZE);
  putText(block, "name", o.name);
  putOctal(block, "mode", o.mode);
  putOctal(block, "uid", OWNER.uid);
  putOctal(block, "gid", OWNER.gid);
  putOctal(block, "size", o.size);
  putOctal(block, "mtime", o.mtime);
  putText(block, "typeflag", o.type);
  putText(block, "magic", "ustar\0");
  putText(block, "version", "00");
  putText(block, "uname", OWNER.uname);
  putText(block, "gname", OWNER.gname);
  putOctal(block, "devmajor", 0);
  putOctal(block, "devminor", 0);
  putText(block, "prefix", o.prefix);
  const [at] = FIELD.checksum;
  block.write(`${headerChecksum(block).toString(8).padStart(6, "0")}\0 `, at, "ascii");
  return block;
}

/** The last bytes of a path that fit a header field, cut at a character boundary. */
function tail(path: string, bytes: number): string {
  const chars = Array.from(path);
  while (Buffer.byteLength(chars.join("")) > bytes) chars.shift();
  return chars.join("");
}

/**
 * A ustar archive of the entries, in the order given. A path too long for
 * ustar's prefix/name fields travels in a pax extended header before its entry.
 */
export function writeTar(entries: TarEntry[], mtimeSeconds: number): Buffer {
  const parts: Buffer[] = [];
  const add = (fields: { name: string; prefix: string; type: string; mode: number }, data: Buffer) => {
    parts.push(header({ ...fields, size: data.length, mtime: mtimeSeconds }), data, Buffer.alloc(padding(data.length)));
  };
  for (const entry of entries) {
    const path = entry.kind === "directory" ? `${entry.path}/` : entry.path;
    const type = entry.kind === "directory" ? TYPE.directory : TYPE.file;
    const mode = MODE[entry.kind];
    const data = entry.kind === "directory" ? Buffer.alloc(0) : entry.data;
    const split = splitUstarPath(path);
    if (split) {
      add({ ...split, type, mode }, data);
    } else {
      const name = tail(path, FIELD.name[1]);
      add({ name: tail(`PaxHeaders/${name}`, FIELD.name[1]), prefix: "", type: TYPE.paxHeader, mode: MODE.file }, paxRecord("path", path));
      add({ name, prefix: "", type, mode }, data);
    }
  }
  parts.push(Buffer.alloc(2 * BLOCK_SIZE)); // end of archive: two zero blocks
  return Buffer.concat(parts);
}
