import { Command, CommanderError } from "commander";
import { InputError } from "./inputError.ts";
import { addAnalyzeCommand } from "./cli/analyzeCommand.ts";
import { addCompareCommand } from "./cli/compareCommand.ts";
import { addHostsCommand } from "./cli/hostsCommand.ts";
import { addLabCommand } from "./cli/labCommand.ts";
import { addArchiveCommand } from "./cli/archiveCommand.ts";
import { addPlanCommand } from "./cli/planCommand.ts";
import { addReportCommand } from "./cli/reportCommand.ts";
import { addRunCommand } from "./cli/runCommand.ts";
import { addVerifyCommand } from "./cli/verifyCommand.ts";
import { addReproduceCommand } from "./cli/reproduceCommand.ts";

// Exit status: 0 done; 1 measuring or a host failed; 2 bad input (usage, spec, inventory).
const program = new Command("tracetax")
  .description("Measure what system-call interception costs (reproduces Zinke 2009, 'System call tracing overhead')")
  .exitOverride()
  .showHelpAfterError();

addPlanCommand(program);
addRunCommand(program);
addAnalyzeCommand(program);
addReportCommand(program);
addHostsCommand(program);
addArchiveCommand(program);
addVerifyCommand(program);
addCompareCommand(program);
addReproduceCommand(program);
addLabCommand(program);

try {
  await program.parseAsync();
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else if (err instanceof InputError) {
    console.error(`tracetax: ${err.message.replaceAll("\n", "\ntracetax: ")}`);
    process.exitCode = 2;
  } else {
    console.error(`tracetax: ${(err as Error).stack ?? err}`);
    process.exitCode = 1;
  }
}
