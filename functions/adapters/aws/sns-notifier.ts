import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { PublishCommandInput } from '@aws-sdk/client-sns';
import type { AlertChange, AlertMessage } from '../../contract/alert-message.ts';
import { renderChatbot } from '../../core/deliver/render-chatbot.ts';
import { renderText } from '../../core/deliver/render-text.ts';
import { truncateChars, utf8Length } from '../../core/deliver/escape.ts';

/** SNS takes at most 256 KiB per message, attributes included. */
export const SNS_MAX_BYTES = 262_144;
/** SNS subjects must be under 100 characters, with no line breaks or control characters. */
export const SNS_SUBJECT_MAX_CHARS = 99;
const SUMMARY_CUT_CHARS = 200;

export class AlertTooLargeError extends Error {
  override name = 'AlertTooLargeError';
}

export interface SnsNotifierOptions {
  topicArn: string;
  /** @default a new SNSClient */
  client?: SNSClient;
}

/**
 * Publishes one `AlertMessage` per ensemble evaluation. A failed publish rejects, so the
 * evaluator does not commit a transition nobody was told about.
 */
export class SnsNotifier {
  private readonly client: SNSClient;

  constructor(private readonly options: SnsNotifierOptions) {
    this.client = options.client ?? new SNSClient({});
  }

  async publish(msg: AlertMessage): Promise<{ messageId?: string }> {
    const out = await this.client.send(new PublishCommand(snsPublishInput(this.options.topicArn, msg)));
    return { messageId: out.MessageId };
  }
}

/**
 * The publish request: `MessageStructure: 'json'` with readable text for email (and
 * `default`), the Chatbot custom notification for `https`, and the `AlertMessage` itself
 * for `lambda` (the chat relay); attributes `severity`, `ensemble`, `kind` for filter
 * policies. Too large a message loses its least important parts first: the signals of
 * the least important changes, then long summaries, then whole changes from the end;
 * title, severity and the most important change stay.
 */
export function snsPublishInput(topicArn: string, msg: AlertMessage): PublishCommandInput {
  const attributes = {
    severity: { DataType: 'String', StringValue: msg.severity },
    ensemble: { DataType: 'String', StringValue: msg.ensembleName },
    kind: { DataType: 'String', StringValue: msg.kind },
  };
  const attributeBytes = Object.entries(attributes).reduce((n, [name, v]) => n + utf8Length(name) + utf8Length(v.DataType) + utf8Length(v.StringValue), 0);
  const subject = snsSubject(msg.title);
  for (const candidate of shrinkingCandidates(msg)) {
    const message = JSON.stringify({
      default: renderText(candidate),
      email: renderText(candidate),
      https: JSON.stringify(renderChatbot(candidate)),
      lambda: JSON.stringify(candidate),
    });
    if (utf8Length(message) + attributeBytes + utf8Length(subject) <= SNS_MAX_BYTES) {
      return { TopicArn: topicArn, Subject: subject, Message: message, MessageStructure: 'json', MessageAttributes: attributes };
    }
  }
  throw new AlertTooLargeError(`alert for ensemble ${truncateChars(msg.ensembleName, 100)} does not fit in ${SNS_MAX_BYTES} bytes even with one change left`);
}

/** Printable ASCII only (SNS rejects control characters; mail clients mangle the rest), under 100 characters. */
export function snsSubject(title: string): string {
  const ascii = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7E]+/g, '?')
    .trim();
  const subject = ascii.length > SNS_SUBJECT_MAX_CHARS ? `${ascii.slice(0, SNS_SUBJECT_MAX_CHARS - 3)}...` : ascii;
  return subject === '' ? 'zk-lookout alert' : subject;
}

/**
 * The message, then ever smaller versions of it. Each step applies to the tail of the
 * list (the least important changes) and doubles its reach, so a message of n changes
 * needs O(log n) renderings to fit.
 */
function* shrinkingCandidates(msg: AlertMessage): Generator<AlertMessage> {
  yield msg;
  const n = msg.changes.length;
  let changes = msg.changes;
  for (const from of tails(n)) {
    changes = changes.map((c, i) => (i >= from ? { ...c, signals: [] } : c));
    yield { ...msg, changes };
  }
  for (const from of tails(n)) {
    changes = changes.map((c, i) => (i >= from ? { ...c, summary: truncateChars(c.summary, SUMMARY_CUT_CHARS) } : c));
    yield { ...msg, changes };
  }
  for (let keep = Math.floor(n / 2); keep >= 1; keep = Math.floor(keep / 2)) {
    yield { ...msg, changes: withOmissionNote(changes.slice(0, keep), n - keep) };
  }
}

/** n/2, n/4, …, 0: where a shrinking step starts. */
function* tails(n: number): Generator<number> {
  for (let from = Math.floor(n / 2); ; from = Math.floor(from / 2)) {
    yield from;
    if (from === 0) return;
  }
}

function withOmissionNote(changes: AlertChange[], omitted: number): AlertChange[] {
  const last = changes.at(-1);
  if (last === undefined) return changes;
  return [...changes.slice(0, -1), { ...last, summary: `${last.summary} (+${omitted} more changes left out: SNS size limit)` }];
}
