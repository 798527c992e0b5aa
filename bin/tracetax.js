#!/usr/bin/env node
// Entry point of the `tracetax` command: loads the TypeScript CLI through tsx.
import { register } from "tsx/esm/api";

register();
await import("../scripts/cli.ts");
