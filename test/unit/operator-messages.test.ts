/**
 * Messages about a bad document or command line in words an operator can act on: zod's
 * wording rephrased, the key or option that was probably meant, JSON errors by line and
 * column, every problem of a document in one pass; `thresholds validate` without a file
 * and from stdin.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLocalConfig } from '../../cli/local/local-config.ts';
import { parseSilences } from '../../functions/contract/silences.ts';
import { parseThresholds } from '../../functions/contract/thresholds.ts';

const dir = mkdtempSync(join(tmpdir(), 'zk-lookout-messages-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function zkLookout(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile('node', ['bin/zk-lookout.mjs', ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
    child.stdin?.end(stdin ?? '');
  });
}

const SEVERAL_PROBLEMS = JSON.stringify({ warnAt: 2, clearAt: 'x', forRound: 3, signals: { 'latency-avgg': { nu: 1 } } });

describe('thresholds documents', () => {
  it('reports every problem in one pass, in plain words, with the key probably meant', () => {
    const result = parseThresholds(SEVERAL_PROBLEMS);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual(
      expect.arrayContaining([
        { path: 'warnAt', message: 'must be at most 1' },
        { path: 'clearAt', message: 'must be a number, not a string' },
        { path: 'forRound', message: 'unknown setting "forRound"; did you mean "forRounds"?' },
        { path: 'signals.latency-avgg', message: expect.stringMatching(/^unknown signal "latency-avgg"; known signals: .*; did you mean "latency-avg"\?$/) },
      ]),
    );
    expect(result.errors).toHaveLength(4);
    for (const e of result.errors) expect(e.message).not.toMatch(/Too big|Too small|Invalid input|expected number to be/);
  });

  it('names the line and column where the JSON breaks', () => {
    const result = parseThresholds('{\n  "warnAt": 0.5,\n  "clearAt": 0.3\n  "forRounds": 2\n}\n');
    expect(result).toEqual({ ok: false, errors: [{ path: '$', message: "invalid JSON at line 4, column 3: Expected ',' or '}' after property value" }] });
  });

  it('a document that stops early says so, at its end', () => {
    const result = parseThresholds('{\n  "warnAt": 0.5');
    expect(result).toEqual({ ok: false, errors: [{ path: '$', message: 'invalid JSON at line 2, column 16: the document ends before it is complete' }] });
  });

  it('silences: unknown field with did-you-mean, and plain words for a missing one', () => {
    const result = parseSilences(JSON.stringify([{ ensemble: 'prod-zk', untill: '2030-01-01T00:00:00Z' }]));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toContainEqual({ path: '[0].untill', message: 'unknown silence field "untill"; did you mean "until"?' });
    expect(result.errors).toContainEqual({ path: '[0].reason', message: 'is required (a string)' });
  });
});

describe('the local config', () => {
  it('lists every problem in plain words, unknown keys with the key probably meant', () => {
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ ensembles: [{ name: 'prod', server: ['zk1:2181'], timeoutMs: 5 }], intervalSecond: 1 }));
    expect(() => loadLocalConfig(file)).toThrow(
      [
        `${file} is not a valid zk-lookout config:`,
        '  ensembles[0].servers: is required (an array)',
        '  ensembles[0].timeoutMs: must be at least 100',
        '  ensembles[0].server: unknown field "server"; did you mean "servers"?',
        '  intervalSecond: unknown field "intervalSecond"; did you mean "intervalSeconds"?',
      ].join('\n'),
    );
  });

  it('JSON errors give line and column', () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{\n  "ensembles": [\n  ],\n}\n');
    expect(() => loadLocalConfig(file)).toThrow(`${file}: not valid JSON at line 4, column 1: Expected double-quoted property name`);
  });
});

describe('the command line', () => {
  it('thresholds validate without a file says what is missing (exit 64)', async () => {
    const result = await zkLookout(['thresholds', 'validate']);
    expect(result.code).toBe(64);
    expect(result.stderr).toBe('zk-lookout: thresholds validate: which document? give its FILE (or - for stdin), e.g. zk-lookout thresholds validate thresholds.json\n');
  });

  it('thresholds validate - reads the document from stdin', async () => {
    const good = await zkLookout(['thresholds', 'validate', '-'], JSON.stringify({ warnAt: 0.6 }));
    expect(good).toMatchObject({ code: 0, stdout: 'stdin: valid thresholds document\n' });
    const bad = await zkLookout(['thresholds', 'validate', '-'], SEVERAL_PROBLEMS);
    expect(bad.code).toBe(1);
    expect(bad.stdout.trim().split('\n')).toHaveLength(4);
    expect(bad.stdout).toContain('forRound: unknown setting "forRound"; did you mean "forRounds"?\n');
    const silences = await zkLookout(['thresholds', 'validate', '--silences', '-'], '[]');
    expect(silences).toMatchObject({ code: 0, stdout: 'stdin: valid silences list\n' });
  });

  it('an unknown option or command names the one probably meant', async () => {
    expect((await zkLookout(['probe', '--server', 'zk1:2181'])).stderr).toBe("zk-lookout: probe: Unknown option '--server'; did you mean --servers?\n");
    expect((await zkLookout(['chek'])).stderr).toMatch(/^zk-lookout: unknown command "chek"; did you mean "check"\?\n/);
  });
});
