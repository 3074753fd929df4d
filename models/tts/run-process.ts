import { spawn } from 'node:child_process';
import { MnemoError } from '../../config/errors.js';

/** Runs a program with `input` on stdin and returns its stdout; stderr goes into the error. */
export function runProcess(
  command: string,
  args: string[],
  input: string,
  options: { signal?: AbortSignal; fix?: string; engine: string },
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], signal: options.signal });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (cause: NodeJS.ErrnoException) => {
      if (cause.name === 'AbortError') {
        reject(new MnemoError('aborted', `${options.engine} synthesis aborted`, { cause }));
        return;
      }
      const missing = cause.code === 'ENOENT';
      reject(
        new MnemoError('tts-failed', missing ? `${command} is not installed` : `${command} failed: ${cause.message}`, {
          cause,
          fix: options.fix,
          details: { engine: options.engine },
        }),
      );
    });
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else {
        const stderr = Buffer.concat(err).toString('utf8').trim().slice(0, 300);
        reject(
          new MnemoError('tts-failed', `${command} exited with code ${code}: ${stderr}`, {
            fix: options.fix,
            details: { engine: options.engine },
          }),
        );
      }
    });
    child.stdin.on('error', () => {}); // a program that exits early closes its stdin: the close handler reports it
    child.stdin.end(input);
  });
}
