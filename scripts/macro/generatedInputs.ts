import { mkdirSync, openSync, writeSync, closeSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { seededRandom } from "../analyze/random.ts";
import type { ContentKind, FindWorkload, GzipWorkload, MacroSpec } from "./macroSpec.ts";

// The inputs of find and gzip are generated from a seed, so the same spec
// measures the same tree and the same file on every machine.

/** Bytes of pseudo-random content: 4 per draw of the seeded generator. */
function randomBytes(next: () => number, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i += 4) {
    const word = Math.floor(next() * 2 ** 32);
    for (let k = 0; k < 4 && i + k < length; k++) out[i + k] = (word >>> (8 * k)) & 0xff;
  }
  return out;
}

// Words of C source, so "text" compresses about as well as the source trees gzip usually sees.
const WORDS = ["static", "int", "return", "struct", "const", "char", "if", "else", "for", "while", "void", "NULL",
  "size_t", "unsigned", "long", "sizeof", "break", "case", "switch", "{", "}", "(", ")", ";", "=", "==", "->", "buf", "len", "err"];

function textBytes(next: () => number, length: number): Buffer {
  const parts: string[] = [];
  let size = 0;
  while (size < length) {
    const word = next() < 0.1 ? "\n" : `${WORDS[Math.floor(next() * WORDS.length)]} `;
    parts.push(word);
    size += word.length;
  }
  return Buffer.from(parts.join("").slice(0, length), "latin1");
}

function content(kind: ContentKind, next: () => number, length: number): Buffer {
  if (kind === "zeros") return Buffer.alloc(length);
  return kind === "random" ? randomBytes(next, length) : textBytes(next, length);
}

/** A directory tree of exactly `dirs` directories below `root` and `files` files, each placed at random. */
export function generateTree(root: string, w: Pick<FindWorkload, "files" | "dirs" | "maxFileBytes" | "seed">): void {
  const next = seededRandom(w.seed);
  const dirs = [root];
  mkdirSync(root, { recursive: true });
  for (let i = 0; i < w.dirs; i++) {
    const dir = join(dirs[Math.floor(next() * dirs.length)], `d${i}`);
    mkdirSync(dir);
    dirs.push(dir);
  }
  for (let i = 0; i < w.files; i++) {
    const dir = dirs[Math.floor(next() * dirs.length)];
    writeFileSync(join(dir, `f${i}.c`), randomBytes(next, Math.floor(next() * (w.maxFileBytes + 1))));
  }
}

/** The file gzip compresses, written a MiB at a time. */
export function generateFile(path: string, w: Pick<GzipWorkload, "bytes" | "content" | "seed">): void {
  const next = seededRandom(w.seed);
  const fd = openSync(path, "w");
  try {
    for (let done = 0; done < w.bytes; done += 1 << 20) writeSync(fd, content(w.content, next, Math.min(1 << 20, w.bytes - done)));
  } finally {
    closeSync(fd);
  }
}

/** An upper bound of the disk the inputs take: every file at its largest, a block per file and directory. */
export function inputBytes(workloads: MacroSpec["workloads"]): number {
  const BLOCK = 4096;
  let total = 0;
  for (const w of workloads) {
    if (w.type === "find") total += w.files * (w.maxFileBytes + BLOCK) + (w.dirs + 1) * BLOCK;
    if (w.type === "gzip") total += w.bytes + BLOCK;
  }
  return total;
}
