// The POSIX ustar header (pax, IEEE Std 1003.1): one 512-byte block per
// entry, numbers as NUL-terminated octal text, names as bytes.

export const BLOCK_SIZE = 512;

/** [offset, length] of each header field. */
export const FIELD = {
  name: [0, 100],
  mode: [100, 8],
  uid: [108, 8],
  gid: [116, 8],
  size: [124, 12],
  mtime: [136, 12],
  checksum: [148, 8],
  typeflag: [156, 1],
  linkname: [157, 100],
  magic: [257, 6],
  version: [263, 2],
  uname: [265, 32],
  gname: [297, 32],
  devmajor: [329, 8],
  devminor: [337, 8],
  prefix: [345, 155],
} as const satisfies Record<string, readonly [number, number]>;

export type FieldName = keyof typeof FIELD;

export const TYPE = {
  file: "0",
  directory: "5",
  hardlink: "1",
  symlink: "2",
  paxHeader: "x",
  paxGlobalHeader: "g",
  gnuLongName: "L",
  gnuLongLink: "K",
} as const;

/** Sum of the header's bytes with the checksum field counted as eight spaces. */
export function headerChecksum(header: Uint8Array): number {
  const [at, length] = FIELD.checksum;
  let sum = 0;
  for (let i = 0; i < BLOCK_SIZE; i++) sum += i >= at && i < at + length ? 0x20 : header[i];
  return sum;
}

/** Bytes needed to pad a size up to a whole number of blocks. */
export function padding(size: number): number {
  return (BLOCK_SIZE - (size % BLOCK_SIZE)) % BLOCK_SIZE;
}

/** One pax extended-header record, "<length> <key>=<value>\n", where length counts its own digits. */
export function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  const bodyLength = Buffer.byteLength(body);
  let length = bodyLength + 1;
  while (String(length).length + bodyLength !== length) length = String(length).length + bodyLength;
  return Buffer.from(`${length}${body}`);
}
