/**
 * The YAML in docs/PROMETHEUS.md is what users paste: each block is checked by the tool
 * that will read it (Debian's promtool and amtool).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoPath } from '../../infra/repo-path.ts';
import { PROMTOOL, requireTool, runWithStdin, tempDir } from '../support/prometheus-tools.ts';

const promtool = requireTool(PROMTOOL, 'prometheus');
const amtool = requireTool('/usr/bin/amtool', 'prometheus-alertmanager');
const dir = tempDir('zk-lookout-docs-');
const blocks = [...readFileSync(repoPath('docs/PROMETHEUS.md'), 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');

function block(marker: string, name: string): string {
  const found = blocks.filter((b) => b.startsWith(marker));
  expect(found).toHaveLength(1);
  const path = join(dir, name);
  writeFileSync(path, found[0]!);
  return path;
}

describe('docs/PROMETHEUS.md', () => {
  it('has a scrape config promtool accepts', async () => {
    const { code, output } = await runWithStdin(promtool, ['check', 'config', block('scrape_configs:', 'prometheus.yml')], '');
    expect(output).toContain('SUCCESS');
    expect(code).toBe(0);
  });

  it('has recording and alert rules promtool accepts', async () => {
    const { code, output } = await runWithStdin(promtool, ['check', 'rules', block('groups:', 'rules.yml')], '');
    expect(output).toMatch(/SUCCESS: 8 rules found/);
    expect(code).toBe(0);
  });

  it('has an Alertmanager route amtool accepts', async () => {
    const { code, output } = await runWithStdin(amtool, ['check-config', block('route:', 'alertmanager.yml')], '');
    expect(output).toContain('SUCCESS');
    expect(code).toBe(0);
  });
});
