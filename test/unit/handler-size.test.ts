/**
 * A Lambda handler is a shell (issue 12): it parses its event, builds its dependencies,
 * calls one use case in functions/app/ and logs. Forty lines hold that; a handler that
 * grows past them has started deciding things, which belong in a use case both shells call.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { repoPath } from '../../infra/repo-path.ts';

const MAX_HANDLER_LINES = 40;
const dir = repoPath('functions/handlers');
const handlers = readdirSync(dir).filter((name) => name.endsWith('.ts'));

function lineCount(text: string): number {
  const lines = text.split('\n');
  return text.endsWith('\n') ? lines.length - 1 : lines.length;
}

describe('functions/handlers', () => {
  it('holds the Lambda handlers', () => {
    expect(handlers).toEqual(expect.arrayContaining(['alertmanager-relay.ts', 'chat-relay.ts', 'evaluate.ts', 'probe.ts', 'sweep.ts']));
  });

  it.each(handlers)(`%s is at most ${MAX_HANDLER_LINES} lines`, (name) => {
    expect(lineCount(readFileSync(`${dir}/${name}`, 'utf8'))).toBeLessThanOrEqual(MAX_HANDLER_LINES);
  });
});
