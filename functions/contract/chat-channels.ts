import { z } from 'zod';
import { Severities } from './alert-message.ts';
import type { AlertMessage } from './alert-message.ts';
import { EnsembleName } from './ensemble-name.ts';
import { parseWith } from './parse-with.ts';

/** The chats the relay can post to; one provider folder per kind in `functions/adapters/chat/`. */
export const ChatKinds = ['slack', 'teams', 'discord', 'google-chat', 'feishu', 'dingtalk', 'wecom', 'webhook'] as const;
export type ChatKind = (typeof ChatKinds)[number];

/**
 * A channel's name, as the deployment and the local config give it; the relay records
 * each delivery in its ledger under it. The relay reads the list the stack wrote from
 * the deployment config, so one rule holds on both sides.
 */
export const ChannelName = z
  .string()
  .regex(/^[a-z0-9-]{1,48}$/, { error: (iss) => `≤ 48 chars of [a-z0-9-], got ${JSON.stringify(iss.input)}` });

/**
 * A chat channel as configured for the relay. It holds no secret: `secretId` names the
 * Secrets Manager secret with the webhook URL (and signing secret), so this document can
 * sit in an SSM parameter and in the stack's template.
 */
export const ChannelConfigSchema = z.strictObject({
  name: ChannelName,
  kind: z.enum(ChatKinds),
  secretId: z.string().min(1).max(2048),
  /** Only messages of these severities; all when absent. */
  severities: z.array(z.enum(Severities)).min(1).optional(),
  /** Only messages about these ensembles; all when absent. */
  ensembles: z.array(EnsembleName).min(1).optional(),
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
  return parseWith(ChannelListSchema, json, source, { error: ChannelConfigError });
}

export function channelWants(channel: ChannelConfig, msg: AlertMessage): boolean {
  return (channel.severities?.includes(msg.severity) ?? true) && (channel.ensembles?.includes(msg.ensembleName) ?? true);
}
