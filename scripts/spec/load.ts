import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { LineCounter, isMap, isScalar, parseDocument, type Document, type Node } from "yaml";
import type { z } from "zod";
import { InputError } from "../inputError.ts";

export interface LoadedYaml<T> {
  path: string;
  text: string;
  sha256: string;
  value: T;
  /** What was accepted but should be said otherwise ("file:line:col: field: …"). */
  warnings: string[];
}

/** "tracers[2]", "hosts.lab.port": how a field is named in messages. */
export function fieldName(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (name, key) => (typeof key === "number" ? `${name}[${key}]` : name ? `${name}.${String(key)}` : String(key)),
    "",
  );
}

/** The YAML node nearest to a path: the node itself, or the closest ancestor that exists. */
function nearestNode(doc: Document, path: readonly PropertyKey[]): Node | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as unknown[], true) as Node | undefined;
    if (node && typeof node === "object" && "range" in node) return node;
  }
  return doc.contents ?? undefined;
}

/** The key node of an unknown key, so the message points at the key, not its parent. */
function keyNode(doc: Document, path: readonly PropertyKey[], key: string): Node | undefined {
  const parent = nearestNode(doc, path);
  if (!isMap(parent)) return parent;
  const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === key);
  return (pair?.key as Node | undefined) ?? parent;
}

/**
 * Rename top-level keys that have a newer name, in the document itself, so
 * that later messages still point into the file; one warning per rename.
 */
function renameFields(doc: Document, renamed: Record<string, string>, at: (offset: number) => string): string[] {
  if (!isMap(doc.contents)) return [];
  const keys = doc.contents.items.map((p) => p.key).filter(isScalar);
  const warnings: string[] = [];
  for (const key of keys) {
    const newer = renamed[String(key.value)];
    if (newer === undefined) continue;
    const where = at(key.range?.[0] ?? 0);
    if (keys.some((k) => k.value === newer)) throw new InputError(`${where}: ${String(key.value)}: give ${newer} only (${key.value} is its older name)`);
    warnings.push(`${where}: ${String(key.value)}: now called ${newer}; read as ${newer}`);
    key.value = newer;
  }
  return warnings;
}

/**
 * Read a YAML file and validate it against a zod schema. Every problem is
 * reported as "file:line:col: field: message"; all of them, not just the first.
 */
export function loadYaml<S extends z.ZodType>(path: string, schema: S, renamedFields: Record<string, string> = {}): LoadedYaml<z.output<S>> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new InputError(`${path}: cannot read: ${(err as Error).message}`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return `${path}:${line}:${col}`;
  };
  if (doc.errors.length > 0) {
    throw new InputError(doc.errors.map((e) => `${at(e.pos[0])}: ${e.message.split("\n")[0]}`).join("\n"));
  }
  const warnings = renameFields(doc, renamedFields, at);
  const parsed = schema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    const messages = parsed.error.issues.flatMap((issue) => {
      if (issue.code === "unrecognized_keys") {
        return issue.keys.map((key) => {
          const node = keyNode(doc, issue.path, key);
          return `${at(node?.range?.[0] ?? 0)}: ${fieldName([...issue.path, key])}: unknown field`;
        });
      }
      const node = nearestNode(doc, issue.path);
      const field = fieldName(issue.path) || "(top level)";
      const missing = node !== doc.getIn(issue.path as unknown[], true);
      return [`${at(node?.range?.[0] ?? 0)}: ${field}: ${missing ? "required field missing: " : ""}${issue.message}`];
    });
    throw new InputError(messages.join("\n"));
  }
  return { path, text, sha256: createHash("sha256").update(text).digest("hex"), value: parsed.data, warnings };
}
