import { describe, expect, it } from 'vitest';
import { isMnemoError } from '../../config/errors.js';
import { parseGlassesScript } from '../../hardware/glasses-link/index.js';

describe('virtual glasses script', () => {
  it('parses steps with comments, sorted by time', () => {
    expect(parseGlassesScript('# demo\n2 release\n0.5 press   # hold\n\n3 battery 12 charging\n4 long-press\n9 quit\n')).toEqual([
      { at: 0.5, kind: 'button', action: 'press' },
      { at: 2, kind: 'button', action: 'release' },
      { at: 3, kind: 'battery', percent: 12, charging: true },
      { at: 4, kind: 'button', action: 'long-press' },
      { at: 9, kind: 'quit' },
    ]);
  });

  it('reports every bad line with its number', () => {
    let err: unknown;
    try {
      parseGlassesScript('0.5 press\nsoon jump\n1 battery 140\n2 explode\n3 crash', 'demo.txt');
    } catch (e) {
      err = e;
    }
    expect(isMnemoError(err, 'scenario-invalid')).toBe(true);
    expect((err as { details: { errors: string[] } }).details.errors).toEqual([
      'demo.txt:2: "soon" is not a time in seconds',
      'demo.txt:3: battery needs a percent 0-100',
      'demo.txt:4: unknown step "explode" (press, release, long-press, double-press, battery, crash, quit)',
    ]);
  });
});
