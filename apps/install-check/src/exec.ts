import { type ExecFileOptions, execFile } from "node:child_process";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

const tail = (text: string, chars = 8_000) => (text.length > chars ? `…${text.slice(-chars)}` : text);

/** Run a program; its stdout, or an error holding the end of its stdout and stderr. */
export async function exec(file: string, args: readonly string[], options: ExecFileOptions = {}): Promise<string> {
  try {
    const { stdout } = await execFileAsync(file, args, { maxBuffer: 64 << 20, ...options, encoding: "utf8" });
    return stdout;
  } catch (e) {
    const { stdout = "", stderr = "", message } = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${[file, ...args].join(" ")} failed (${message.split("\n")[0]}):\n${tail(`${stdout}\n${stderr}`.trim())}`);
  }
}
