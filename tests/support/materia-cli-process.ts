/** The materia CLI from source, as a test's child: it exits when the test process is gone (see exitWithParent). */
import { runCli } from "../../src/cli/main";
import { exitWithParent } from "./child-processes";

exitWithParent();
runCli();
// Watching stdin must not keep a CLI that has finished (a drained worker) alive.
(process.stdin as unknown as { unref?: () => void }).unref?.();
