/**
 * The contract's readers: one parse function and one error format for what crosses a
 * boundary, one rule per name, and the versioned readers of the state item and of the
 * alert messages in its outbox (an older state is upgraded, a version this code does not
 * know is refused naming the item, the entry and both versions).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decodeStateItem, ensembleKey, stateItem, type ItemImage } from '../../functions/adapters/aws/results-table.ts';
import { parseWebhookSecret, WebhookSecretError } from '../../functions/adapters/aws/secrets.ts';
import { ALERT_MESSAGE_VERSION, type AlertMessage } from '../../functions/contract/alert-message.ts';
import { ChannelConfigError, parseChannels } from '../../functions/contract/chat-channels.ts';
import { ENSEMBLE_STATE_VERSION, initialState } from '../../functions/contract/ensemble-state.ts';
import { EnsembleName, ReceivedEnsembleName } from '../../functions/contract/ensemble-name.ts';
import { ContractError, parseValue, parseWith } from '../../functions/contract/parse-with.ts';
import { parseProbeEvent, ProbeEventError } from '../../functions/contract/probe-event.ts';
import { AlertMessageFormatError, parseAlertMessage, readAlertMessage } from '../../functions/contract/read-alert-message.ts';
import { EnsembleStateVersionError } from '../../functions/contract/read-ensemble-state.ts';
import { parseLocalConfig } from '../../cli/local/local-config.ts';
import { parseDeploymentConfig } from '../../infra/config/deployment-config.ts';
import { sampleMessage } from '../support/alert-fixtures.ts';
import { exampleConfig } from '../support/infra-stack.ts';

const WHERE = 'state item of ensemble "prod"';

/** A state item of the older layout: state and each outbox message as JSON text. */
function textItem(state: unknown, outbox: unknown[] = []): ItemImage {
  return { pk: { S: ensembleKey('prod') }, sk: { S: 'STATE' }, rev: { N: '3' }, state: { S: JSON.stringify(state) }, outbox: { L: outbox.map((m) => ({ S: JSON.stringify(m) })) } };
}

/** A state item as written now (deflated body), with whatever state and outbox it is given. */
function packedItem(state: unknown, outbox: unknown[] = []): ItemImage {
  return stateItem('prod', { state, outbox } as never, 3) as ItemImage;
}

const VERSION_1_STATE = { stateVersion: 1, ensembleName: 'prod', alerts: {}, baselines: {}, history: {}, elections: [], multiLeaderRounds: 0, lastRoundIds: ['r0'], lastRoundAt: '2029-12-31T23:59:00.000Z' };

/** A message whose signals carry every optional field (unit, subject, forecast). */
function forecastMessage(): AlertMessage {
  const message = sampleMessage('prod');
  const [first] = message.changes;
  first!.signals = [
    { signal: 'fd-exhaustion-hours', server: 'zk2:2181', value: 0.66, nu: 2, tau: 0.5, w: 0.94, risk: 0.94, mode: 'w', unit: 'h', subject: '10.0.0.7', forecast: { tier: 'short', current: 812, limit: 1024, perHour: 320 } },
  ];
  return message;
}

describe('parseWith: one parse, one error format', () => {
  const Schema = z.strictObject({ warnAt: z.number().max(1), forRounds: z.int().optional() });

  it('names where, the path and the reason in plain words, an unknown key with the one probably meant', () => {
    expect(() => parseWith(Schema, '{"warnAt": 2, "forRound": 3}', 'thresholds.json')).toThrow(
      new ContractError('thresholds.json: warnAt: must be at most 1; forRound: unknown field "forRound"; did you mean "forRounds"?'),
    );
  });

  it('names the line and column where the JSON breaks, `$` being the whole document', () => {
    expect(() => parseWith(Schema, '{\n  "warnAt": 0.5\n  "forRounds": 2\n}', 'thresholds.json')).toThrow(
      "thresholds.json: $: invalid JSON at line 3, column 3: Expected ',' or '}' after property value",
    );
  });

  it('reads an already parsed value the same way, and throws the error class asked for', () => {
    expect(parseValue(Schema, { warnAt: 0.5 }, 'x')).toEqual({ warnAt: 0.5 });
    expect(() => parseValue(Schema, [], 'event', { error: ProbeEventError })).toThrow(new ProbeEventError('event: $: must be an object, not an array'));
  });

  it('a secret: neither its text nor an unknown key (a URL pasted as one) is repeated', () => {
    const url = 'https://hooks.slack.com/services/T0/B0/s3cret';
    const unquoted = (text: string) => {
      try {
        parseWebhookSecret(text, 'secret ops-slack');
      } catch (err) {
        expect(err).toBeInstanceOf(WebhookSecretError);
        return (err as Error).message;
      }
      throw new Error('expected the secret to be refused');
    };
    expect(unquoted(`{"url": ${url}}`)).toBe('secret ops-slack: $: is not JSON (the text is a credential, so it is not quoted)');
    expect(unquoted(JSON.stringify({ [url]: true }))).toBe('secret ops-slack: url: is required (a string); $: 1 unknown field(s), not named: the document holds a credential; known fields: url, secret');
    expect(unquoted(JSON.stringify({ url: 'ftp://s3cret' }))).toBe('secret ops-slack: url: must be a valid url');
    for (const text of [`{"url": ${url}}`, JSON.stringify({ [url]: true }), JSON.stringify({ url: 'ftp://s3cret' })]) expect(unquoted(text)).not.toMatch(/s3cret/);
  });
});

describe('one rule per name', () => {
  it('a name every config allows, every reader accepts', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,47}$/), (name) => {
        expect(EnsembleName.safeParse(name).success).toBe(true);
        expect(ReceivedEnsembleName.safeParse(name).success).toBe(true);
      }),
    );
  });

  it('an ensemble name starts with a letter or digit (it is also a command-line value)', () => {
    expect(EnsembleName.safeParse('-orders').error?.issues[0]?.message).toBe('must start with a letter or digit, got "-orders"');
    expect(ReceivedEnsembleName.safeParse('-orders').success).toBe(true);
  });

  it('the deployment config and the local config refuse the same ensemble and channel names, in the same words', () => {
    const deploy = exampleConfig() as { ensembles: { name: string }[]; chatChannels: { name: string }[] };
    deploy.ensembles[0]!.name = 'Orders_ZK';
    deploy.chatChannels[0]!.name = 'Ops.Slack';
    expect(() => parseDeploymentConfig(deploy, 'zk-lookout.config.json')).toThrow(
      'zk-lookout.config.json: 2 problems:\n  ensembles[0].name: ≤ 48 chars of [a-z0-9-], got "Orders_ZK"\n  chatChannels[0].name: ≤ 48 chars of [a-z0-9-], got "Ops.Slack"',
    );
    const local = { ensembles: [{ name: 'Orders_ZK', servers: ['zk1:2181'] }], channels: [{ name: 'Ops.Slack', kind: 'slack', secretId: 'slack.json' }] };
    expect(() => parseLocalConfig(local, 'zk-lookout.local.json')).toThrow(
      'zk-lookout.local.json is not a valid zk-lookout config:\n  ensembles[0].name: ≤ 48 chars of [a-z0-9-], got "Orders_ZK"\n  channels[0].name: ≤ 48 chars of [a-z0-9-], got "Ops.Slack"',
    );
  });

  it('the relay accepts the channel list the stack writes from the deployment config', () => {
    const { chatChannels } = parseDeploymentConfig(exampleConfig(), 'zk-lookout.config.json');
    expect(chatChannels.length).toBeGreaterThan(0);
    expect(parseChannels(JSON.stringify(chatChannels), 'SSM parameters under /zk-lookout/prod/deployment/chat-channels')).toEqual(chatChannels);
    expect(() => parseChannels(JSON.stringify([{ ...chatChannels[0], kind: 'irc' }]), 'SSM parameters')).toThrow(ChannelConfigError);
    expect(() => parseChannels(JSON.stringify([{ ...chatChannels[0], kind: 'irc' }]), 'SSM parameters')).toThrow(/^SSM parameters: \[0\]\.kind: must be one of "slack", /);
  });

  it('the probe event takes no timeoutMs: the stack never sends one, so the probe keeps its default deadline', () => {
    const ensemble = { name: 'trio', servers: [{ host: 'zk1', port: 2181 }] };
    expect(parseProbeEvent({ ensemble }).ensemble).toEqual(ensemble);
    expect(() => parseProbeEvent({ ensemble: { ...ensemble, timeoutMs: 3000 } })).toThrow('probe event is invalid: ensemble: Unrecognized key: "timeoutMs"');
  });
});

describe('the state item, through its versioned reader', () => {
  it('upgrades a stored state of an older version, in either layout', () => {
    for (const item of [textItem(VERSION_1_STATE), packedItem(VERSION_1_STATE)]) {
      const { state } = decodeStateItem(item, WHERE);
      expect(state).toMatchObject({ stateVersion: ENSEMBLE_STATE_VERSION, ensembleName: 'prod', mem: {}, lastRoundIds: ['r0'], lastRoundAt: VERSION_1_STATE.lastRoundAt });
      expect(state).not.toHaveProperty('history');
    }
  });

  it('refuses a newer or unknown state version, naming the item and both versions', () => {
    const newer = { ...initialState('prod'), stateVersion: ENSEMBLE_STATE_VERSION + 1 };
    for (const item of [textItem(newer), packedItem(newer)]) {
      expect(() => decodeStateItem(item, WHERE)).toThrow(EnsembleStateVersionError);
      expect(() => decodeStateItem(item, WHERE)).toThrow(
        `${WHERE}: stateVersion ${ENSEMBLE_STATE_VERSION + 1} is not one this evaluator reads (1 or ${ENSEMBLE_STATE_VERSION}); a newer evaluator wrote it, so deploy that version or delete the state item to start over`,
      );
    }
    expect(() => decodeStateItem(packedItem({ ...newer, stateVersion: 0 }), WHERE)).toThrow(
      `${WHERE}: stateVersion 0 is not one this evaluator reads (1 or ${ENSEMBLE_STATE_VERSION}); no evaluator writes that, so delete the state item to start over`,
    );
  });
});

describe('alert messages, through one versioned reader wherever stored or received', () => {
  it('an outbox message comes back with every field, in either layout', () => {
    const message = forecastMessage();
    for (const item of [textItem(initialState('prod'), [message]), packedItem(initialState('prod'), [message])]) {
      expect(decodeStateItem(item, WHERE).outbox).toEqual([message]);
    }
  });

  it('refuses an outbox message of an unknown version, naming the item and the entry', () => {
    const newer = { ...sampleMessage('prod'), version: ALERT_MESSAGE_VERSION + 1 };
    for (const item of [textItem(initialState('prod'), [sampleMessage('prod'), newer]), packedItem(initialState('prod'), [sampleMessage('prod'), newer])]) {
      expect(() => decodeStateItem(item, WHERE)).toThrow(AlertMessageFormatError);
      expect(() => decodeStateItem(item, WHERE)).toThrow(
        `${WHERE}: outbox[1]: AlertMessage version ${ALERT_MESSAGE_VERSION + 1} is not one this code reads (${ALERT_MESSAGE_VERSION}); a newer zk-lookout wrote it, so deploy that version`,
      );
    }
    const unversioned = { ...sampleMessage('prod'), version: undefined };
    expect(() => decodeStateItem(packedItem(initialState('prod'), [unversioned]), WHERE)).toThrow(`${WHERE}: outbox[0]: AlertMessage version undefined is not one this code reads (1)`);
  });

  it('refuses an outbox message whose changes (its published transitions) are not this version\'s, naming the path', () => {
    const message = sampleMessage('prod');
    const changed = { ...message, changes: [{ ...message.changes[0], change: 'escalated' }] };
    expect(() => decodeStateItem(packedItem(initialState('prod'), [changed]), WHERE)).toThrow(
      new AlertMessageFormatError(`${WHERE}: outbox[0]: changes[0].change: must be one of "fired", "reminder", "resolved"`),
    );
    expect(() => readAlertMessage({ ...message, changes: [{ ...message.changes[0], level: undefined }] }, 'x')).toThrow('x: changes[0].level: must be one of "alarm", "warning", "info"');
  });

  it('the SNS payload keeps what the renderers show: units, the client and the forecast', () => {
    const message = forecastMessage();
    expect(parseAlertMessage(JSON.stringify(message), 'SNS message m-1')).toEqual(message);
    expect(() => parseAlertMessage('{"version": 1,', 'SNS message m-1')).toThrow('SNS message m-1: $: invalid JSON at line 1, column 15: the document ends before it is complete');
  });
});
