import { renderTeams } from './render.ts';
import type { TeamsBody } from './render.ts';
import { postJson } from '../provider.ts';
import type { ChatProvider } from '../provider.ts';

/** Teams Workflows webhook ("When a Teams webhook request is received"): 202 Accepted on success. */
export const teamsProvider: ChatProvider<TeamsBody> = { kind: 'teams', render: renderTeams, request: postJson };
