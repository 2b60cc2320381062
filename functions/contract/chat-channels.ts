import { z } from 'zod';
import { Severities } from './alert-message.ts';
import type { AlertMessage } from './alert-message.ts';

/** The chats the relay can post to; one provider folder per kind in `functions/adapters/chat/`. */
export const ChatKinds = ['slack', 'teams', 'discord', 'google-chat', 'feishu', 'dingtalk', 'wecom', 'webhook'] as const;
export type ChatKind = (typeof ChatKinds)[number];

/**
 * A chat channel as configured for the relay. It holds no secret: `secretId` names the
 * Secrets Manager secret with the webhook URL (and signing secret), so this document can
 * sit in an environment variable and in the stack's template.
 */
export const ChannelConfigSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 characters of [A-Za-z0-9._-]'),
  kind: z.enum(ChatKinds),
  secretId: z.string().min(1).max(2048),
  /** Only messages of these severities; all when absent. */
  severities: z.array(z.enum(Severities)).min(1).optional(),
  /** Only messages about these ensembles; all when absent. */
  ensembles: z.array(z.string().min(1)).min(1).optional(),
});
export type ChannelConfig = z.infer<typeof ChannelConfigSchema>;

const ChannelListSchema = z.array(ChannelConfigSchema).superRefine((channels, ctx) => {
  const seen = new Set<string>();
  for (const [i, c] of channels.entries()) {
    if (seen.has(c.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate channel name "${c.name}"` });
    seen.add(c.name);
  }
});

export class ChannelConfigError extends Error {
  override name = 'ChannelConfigError';
}

/** Parses the channel list; the error names the source and each bad path (`[2].kind: …`). */
export function parseChannels(json: string, source: string): ChannelConfig[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new ChannelConfigError(`${source}: not JSON (${(err as Error).message})`);
  }
  const parsed = ChannelListSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}: ${i.message}`);
    throw new ChannelConfigError(`${source}: invalid channel list: ${issues.join('; ')}`);
  }
  return parsed.data;
}

export function channelWants(channel: ChannelConfig, msg: AlertMessage): boolean {
  return (channel.severities?.includes(msg.severity) ?? true) && (channel.ensembles?.includes(msg.ensembleName) ?? true);
}
