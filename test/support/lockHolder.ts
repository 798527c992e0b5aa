// A process of its own holding a test lock, for the lock's own test: it says
// "waiting", then "held" once it has the lock, and keeps it until killed.
import { acquireLock } from "./machineLock.ts";

console.log("waiting");
await acquireLock(process.argv[2], { purpose: "the lock's own test" });
console.log("held");
setInterval(() => {}, 60_000);
