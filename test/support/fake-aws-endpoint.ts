/**
 * A loopback stand-in for the three AWS APIs that have no local server, for tests that run
 * the bundled handlers in their own Node processes (where aws-sdk-client-mock cannot
 * reach): SNS `Publish` (query protocol, XML reply), SSM `GetParameter` and
 * `GetParametersByPath` and Secrets
 * Manager `GetSecretValue` (JSON 1.1). Answers come from in-memory maps; every call is
 * recorded. Point a process at it with `AWS_ENDPOINT_URL_SNS`, `AWS_ENDPOINT_URL_SSM`
 * and `AWS_ENDPOINT_URL_SECRETS_MANAGER` (see `endpointEnv`).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeService = 'sns' | 'ssm' | 'secretsmanager';

export interface RecordedCall {
  service: FakeService;
  action: string;
  /** The request's parameters: the JSON body, or the query-protocol form fields. */
  params: Record<string, unknown>;
}

export interface SnsPublish {
  topicArn: string;
  message: string;
  subject?: string;
  messageStructure?: string;
  attributes: Record<string, { dataType: string; value: string }>;
}

/** A request larger than this is refused: the real limits are far below it. */
const MAX_BODY_BYTES = 1024 * 1024;
const SSM_TARGET = 'AmazonSSM.';
const SECRETS_TARGET = 'secretsmanager.';

export class FakeAwsEndpoint {
  /** SSM parameters by name. */
  readonly parameters = new Map<string, string>();
  /** Secrets Manager SecretStrings by name. */
  readonly secrets = new Map<string, string>();
  readonly calls: RecordedCall[] = [];
  readonly published: SnsPublish[] = [];

  private readonly server: Server;

  private constructor() {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => reply(res, 500, 'application/json', JSON.stringify({ __type: 'InternalFailure', message: String(err) })));
    });
  }

  static async start(): Promise<FakeAwsEndpoint> {
    const endpoint = new FakeAwsEndpoint();
    await new Promise<void>((resolve) => endpoint.server.listen(0, '127.0.0.1', resolve));
    return endpoint;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The variables that send a process's SNS, SSM and Secrets Manager clients here. */
  endpointEnv(): Record<string, string> {
    return { AWS_ENDPOINT_URL_SNS: this.url, AWS_ENDPOINT_URL_SSM: this.url, AWS_ENDPOINT_URL_SECRETS_MANAGER: this.url };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const target = req.headers['x-amz-target'];
    if (typeof target === 'string') return this.handleJson(target, body, res);
    const form = new URLSearchParams(body);
    const action = form.get('Action') ?? '(no Action)';
    this.calls.push({ service: 'sns', action, params: Object.fromEntries(form) });
    if (action !== 'Publish') return queryError(res, 'InvalidAction', `the fake endpoint answers SNS Publish only, not ${action}`);
    const topicArn = form.get('TopicArn');
    const message = form.get('Message');
    if (!topicArn || message === null) return queryError(res, 'InvalidParameter', 'TopicArn and Message are required');
    this.published.push({
      topicArn,
      message,
      ...(form.get('Subject') === null ? {} : { subject: form.get('Subject') as string }),
      ...(form.get('MessageStructure') === null ? {} : { messageStructure: form.get('MessageStructure') as string }),
      attributes: messageAttributes(form),
    });
    const xml =
      '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">' +
      `<PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult>` +
      `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`;
    reply(res, 200, 'text/xml', xml);
  }

  private handleJson(target: string, body: string, res: ServerResponse): void {
    const params = JSON.parse(body || '{}') as Record<string, unknown>;
    if (target === `${SSM_TARGET}GetParameter`) {
      this.calls.push({ service: 'ssm', action: 'GetParameter', params });
      const name = String(params.Name);
      const value = this.parameters.get(name);
      if (value === undefined) return jsonError(res, 'ParameterNotFound', `parameter ${name} not found`);
      const parameter = { Name: name, Type: 'String', Value: value, Version: 1, DataType: 'text', LastModifiedDate: Date.now() / 1000, ARN: `arn:aws:ssm:us-east-1:123456789012:parameter${name}` };
      return reply(res, 200, 'application/x-amz-json-1.1', JSON.stringify({ Parameter: parameter }));
    }
    if (target === `${SSM_TARGET}GetParametersByPath`) {
      // The stack's deployment lists (chat channels, sweep ensembles): direct children of the path, one page.
      this.calls.push({ service: 'ssm', action: 'GetParametersByPath', params });
      const path = `${String(params.Path).replace(/\/$/, '')}/`;
      const found = [...this.parameters].filter(([name]) => name.startsWith(path) && !name.slice(path.length).includes('/'));
      const parameters = found.map(([name, value]) => ({ Name: name, Type: 'String', Value: value, Version: 1, DataType: 'text', LastModifiedDate: Date.now() / 1000, ARN: `arn:aws:ssm:us-east-1:123456789012:parameter${name}` }));
      return reply(res, 200, 'application/x-amz-json-1.1', JSON.stringify({ Parameters: parameters }));
    }
    if (target === `${SECRETS_TARGET}GetSecretValue`) {
      this.calls.push({ service: 'secretsmanager', action: 'GetSecretValue', params });
      const id = String(params.SecretId);
      const value = this.secrets.get(id);
      if (value === undefined) return jsonError(res, 'ResourceNotFoundException', `Secrets Manager can't find the specified secret ${id}`);
      const secret = { ARN: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${id}-AbCdEf`, Name: id, SecretString: value, VersionId: randomUUID(), VersionStages: ['AWSCURRENT'], CreatedDate: Date.now() / 1000 };
      return reply(res, 200, 'application/x-amz-json-1.1', JSON.stringify(secret));
    }
    const service: FakeService = target.startsWith(SECRETS_TARGET) ? 'secretsmanager' : 'ssm';
    this.calls.push({ service, action: target, params });
    jsonError(res, 'UnknownOperationException', `the fake endpoint does not answer ${target}`);
  }
}

/** `MessageAttributes.entry.N.{Name,Value.DataType,Value.StringValue}` → by name. */
function messageAttributes(form: URLSearchParams): SnsPublish['attributes'] {
  const attributes: SnsPublish['attributes'] = {};
  for (let n = 1; form.has(`MessageAttributes.entry.${n}.Name`); n++) {
    const prefix = `MessageAttributes.entry.${n}`;
    attributes[form.get(`${prefix}.Name`) as string] = { dataType: form.get(`${prefix}.Value.DataType`) ?? '', value: form.get(`${prefix}.Value.StringValue`) ?? '' };
  }
  return attributes;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error(`request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function reply(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'x-amzn-requestid': randomUUID() });
  res.end(body);
}

function jsonError(res: ServerResponse, type: string, message: string): void {
  reply(res, 400, 'application/x-amz-json-1.1', JSON.stringify({ __type: type, message }));
}

function queryError(res: ServerResponse, code: string, message: string): void {
  const text = message.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const xml = `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${text}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
  reply(res, 400, 'text/xml', xml);
}
