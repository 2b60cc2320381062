/**
 * The Nagios and Icinga 2 definitions in docs/LOCAL.md, run as those tools would run them:
 * Nagios expands $ARGn$ from the service's check_command and hands command_line to
 * /bin/sh; Icinga 2 builds the argument vector from the CheckCommand's command and
 * arguments. Only the checkout path (/opt/zk-lookout) and the servers are this machine's.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, inject, it } from 'vitest';

const trio = inject('trio');
const servers = trio.servers.map((s) => `${s.host}:${s.port}`).join(',');
const doc = readFileSync('docs/LOCAL.md', 'utf8');
const checkout = resolve('.');

function block(language: string): string {
  const match = new RegExp('```' + language + '\\n([\\s\\S]*?)```').exec(doc);
  if (!match?.[1]) throw new Error(`docs/LOCAL.md has no \`\`\`${language} block`);
  return match[1];
}

function run(file: string, args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((done) => {
    execFile(file, args, { timeout: 30_000 }, (err, stdout) => done({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout }));
  });
}

const OK_LINE = /^ZK-LOOKOUT OK - 3\/3 serving, leader 127\.0\.0\.1:\d+, warning probability [\d.]+ \| leaders=1;1:1;1:;0 /;

describe('docs/LOCAL.md monitoring examples', () => {
  it('Nagios: define command + define service, expanded and run by /bin/sh', async () => {
    const nagios = block('nagios');
    const commandLine = /command_line\s+(.+)/.exec(nagios)?.[1]?.trim() ?? '';
    const [commandName, ...args] = (/check_command\s+(\S+)/.exec(nagios)?.[1] ?? '').split('!');
    expect(commandName).toBe(/command_name\s+(\S+)/.exec(nagios)?.[1]);
    expect(args).toEqual(['zk1:2181,zk2:2181,zk3:2181']);
    // This machine's ensemble stands in for the service's zk1..zk3.
    const expanded = commandLine.replaceAll('/opt/zk-lookout', checkout).replace('$ARG1$', servers);
    expect(expanded).not.toMatch(/\$\w+\$/);
    const result = await run('/bin/sh', ['-c', expanded]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(OK_LINE);
  });

  it('Icinga 2: CheckCommand arguments built into an argument vector, and the apply rule uses it', async () => {
    const icinga = block('icinga2');
    const name = /object CheckCommand "([^"]+)"/.exec(icinga)?.[1];
    expect(/apply Service "[^"]+" \{[\s\S]*check_command = "([^"]+)"/.exec(icinga)?.[1]).toBe(name);
    expect(icinga).toMatch(/assign where host\.vars\.zk_servers/);
    const command = [...(/command = \[([^\]]+)\]/.exec(icinga)?.[1] ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1] as string);
    const vars: Record<string, string> = { zk_servers: servers };
    for (const m of icinga.matchAll(/vars\.(\w+) = "?([^"\n]+)"?/g)) vars[m[1] as string] = m[2] as string;
    const argv: string[] = [];
    for (const m of icinga.matchAll(/"(--[\w-]+)" = (?:\{ value = )?"\$(\w+)\$"/g)) {
      const value = vars[m[2] as string];
      if (value !== undefined) argv.push(m[1] as string, value);
    }
    expect(argv).toEqual(['--servers', servers, '--timeout-ms', '3000']);
    const [file, ...rest] = command.map((c) => c.replaceAll('/opt/zk-lookout', checkout));
    const result = await run(file as string, [...rest, ...argv]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(OK_LINE);
  });
});
