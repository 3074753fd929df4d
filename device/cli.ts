#!/usr/bin/env node
import { buildProgram, reportError } from './program.js';

const program = buildProgram();
try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = reportError(err, process.argv.includes('--debug'));
}
