/**
 * Runs one command in its own process group and takes that group down when
 * the fault suite goes away, however it goes away. A binary (the dev server,
 * MinIO) cannot watch its parent, and a SIGKILLed runner runs no cleanup; but
 * the pipe on this process's stdin closes whenever the runner dies.
 *
 * Usage: node guardian.cjs <command> [args...]
 * fd 3 (a pipe from the runner) gets JSON lines: {"pid": n} once the command
 * runs, {"code": c, "signal": s} when it exits. The runner signals the
 * process group (-pid) itself, so SIGKILL means SIGKILL of the real process.
 */
const { spawn } = require("node:child_process");
const { writeSync } = require("node:fs");

const [command, ...args] = process.argv.slice(2);

function report(message) {
  try {
    writeSync(3, `${JSON.stringify(message)}\n`);
  } catch {
    // The runner is gone: nobody to tell.
  }
}

const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"], detached: true });

function killGroup(signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

child.once("error", (error) => {
  process.stderr.write(`guardian: cannot start ${command}: ${error.message}\n`);
  report({ code: 127, signal: null });
  process.exit(127);
});
child.once("spawn", () => report({ pid: child.pid }));
child.once("exit", (code, signal) => {
  // Anything the command left behind in its group goes with it.
  killGroup("SIGKILL");
  report({ code, signal });
  process.exit(code ?? 1);
});

// The runner's end of stdin closes when it exits or is killed.
process.stdin.on("end", () => killGroup("SIGKILL"));
process.stdin.on("error", () => killGroup("SIGKILL"));
process.stdin.resume();
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(signal, () => killGroup(signal));
