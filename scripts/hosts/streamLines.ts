import type { Readable } from "node:stream";
import { createInterface } from "node:readline";

/** Call onLine for each line of a stream as it arrives; resolves at its end. */
export async function streamLines(stream: Readable, onLine: (line: string) => void): Promise<void> {
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) onLine(line);
}
