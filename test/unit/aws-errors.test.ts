/**
 * AWS failures of `export --table` and `silence --stage` reach the operator as one line
 * with a hint and exit 78, never as a stack. The SDK clients are stubbed to throw what the
 * SDK throws in each case; the commands run in this process, as bin/zk-lookout runs them.
 */
import { DynamoDBClient, DynamoDBServiceException, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { ParameterNotFound, SSMClient, SSMServiceException } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run as exportRounds } from '../../cli/commands/export.ts';
import { run as silence } from '../../cli/commands/silence.ts';
import { reportError, type ErrorReport } from '../../cli/report-error.ts';

const dynamo = mockClient(DynamoDBClient);
const ssm = mockClient(SSMClient);

beforeEach(() => {
  dynamo.reset();
  ssm.reset();
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

function credentialsMissing(): Error {
  // What @smithy/property-provider throws when no provider in the chain has credentials.
  const err = new Error('Could not load credentials from any providers');
  err.name = 'CredentialsProviderError';
  return err;
}

function serviceError<T extends new (...args: never[]) => Error>(Base: T, name: string, message: string): Error {
  return new (Base as unknown as new (o: object) => Error)({ name, $fault: 'client', $metadata: { httpStatusCode: 400 }, message });
}

async function failure(command: Promise<number>): Promise<ErrorReport> {
  try {
    await command;
  } catch (err) {
    return reportError(err);
  }
  throw new Error('the command did not fail');
}

const TABLE = ['--table', 'zk-lookout-prod-results', '--region', 'eu-west-1'];

describe('export --table: AWS errors as one line with a hint', () => {
  it('no credentials', async () => {
    dynamo.onAnyCommand().rejects(credentialsMissing());
    expect(await failure(exportRounds(TABLE))).toEqual({
      code: 78,
      message: 'zk-lookout: no AWS credentials found for table zk-lookout-prod-results: set AWS_PROFILE or run aws sso login (or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)',
    });
  });

  it('the table does not exist', async () => {
    dynamo.onAnyCommand().rejects(new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} }));
    expect(await failure(exportRounds(TABLE))).toEqual({
      code: 78,
      message: 'zk-lookout: table zk-lookout-prod-results not found in eu-west-1: check the name and --region (the stack\'s region)',
    });
  });

  it('access denied', async () => {
    const denied = 'User: arn:aws:iam::123456789012:user/ops is not authorized to perform: dynamodb:Scan on resource: arn:aws:dynamodb:eu-west-1:123456789012:table/zk-lookout-prod-results';
    dynamo.onAnyCommand().rejects(serviceError(DynamoDBServiceException, 'AccessDeniedException', denied));
    expect(await failure(exportRounds(TABLE))).toEqual({
      code: 78,
      message: `zk-lookout: AWS refused access to table zk-lookout-prod-results in eu-west-1 (AccessDeniedException): ${denied}; check which identity you are (aws sts get-caller-identity) and its IAM policy`,
    });
  });

  it('expired credentials', async () => {
    dynamo.onAnyCommand().rejects(serviceError(DynamoDBServiceException, 'ExpiredTokenException', 'The security token included in the request is expired'));
    const report = await failure(exportRounds(TABLE));
    expect(report.code).toBe(78);
    expect(report.message).toMatch(/^zk-lookout: the AWS credentials for table zk-lookout-prod-results have expired: run aws sso login/);
  });
});

describe('silence --stage: AWS errors as one line with a hint', () => {
  const STAGE = ['list', '--stage', 'prod', '--region', 'eu-west-1'];

  it('no credentials', async () => {
    ssm.onAnyCommand().rejects(credentialsMissing());
    expect(await failure(silence(STAGE))).toEqual({
      code: 78,
      message: 'zk-lookout: no AWS credentials found for parameter /zk-lookout/prod/silences: set AWS_PROFILE or run aws sso login (or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)',
    });
  });

  it('access denied', async () => {
    const denied = 'User: arn:aws:sts::123456789012:assumed-role/ReadOnly/ops is not authorized to perform: ssm:GetParameter on resource: arn:aws:ssm:eu-west-1:123456789012:parameter/zk-lookout/prod/silences';
    ssm.onAnyCommand().rejects(serviceError(SSMServiceException, 'AccessDeniedException', denied));
    expect(await failure(silence(STAGE))).toEqual({
      code: 78,
      message: `zk-lookout: AWS refused access to parameter /zk-lookout/prod/silences in eu-west-1 (AccessDeniedException): ${denied}; check which identity you are (aws sts get-caller-identity) and its IAM policy`,
    });
  });

  it('a missing silences parameter is an empty list, not an error', async () => {
    ssm.onAnyCommand().rejects(new ParameterNotFound({ message: '', $metadata: {} }));
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await silence(STAGE)).toBe(0);
    expect(log).toHaveBeenCalledWith('no silences in SSM parameter /zk-lookout/prod/silences');
  });
});

describe('errors that are not AWS problems', () => {
  it('stay internal errors (70) with their stack', async () => {
    const report = await reportError(new TypeError('boom'));
    expect(report.code).toBe(70);
    expect(report.message).toMatch(/^zk-lookout: TypeError: boom\n\s+at /);
  });
});
