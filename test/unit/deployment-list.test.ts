/**
 * Issue 14 fault 6: the lists that grow with the config are numbered SSM parameters, not
 * environment variables. The stack packs them (`packEntries`), the functions read them
 * back (`DeploymentList`, SSM mocked at the adapter boundary).
 */
import { GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DeploymentList } from '../../functions/adapters/aws/deployment-list.ts';
import { packEntries, STANDARD_PARAMETER_BYTES } from '../../infra/constructs/deployment-list-parameters.ts';

const ssm = mockClient(SSMClient);
const PATH = '/zk-lookout/prod/deployment/sweep-ensembles';
const serve = (chunks: string[]) => ssm.on(GetParametersByPathCommand, { Path: PATH }).resolves({ Parameters: chunks.map((Value, i) => ({ Name: `${PATH}/${i}`, Value })) });

beforeEach(() => ssm.reset());
afterAll(() => ssm.restore());

describe('packEntries', () => {
  it('packs entries in order into Standard-sized JSON arrays that join back to the list', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ name: fc.string({ maxLength: 60 }), intervalSeconds: fc.integer({ min: 60, max: 3600 }) }), { maxLength: 400 }), (entries) => {
        const chunks = packEntries(entries, (i) => `ensembles[${i}]`);
        for (const chunk of chunks) expect(Buffer.byteLength(chunk)).toBeLessThanOrEqual(STANDARD_PARAMETER_BYTES);
        expect(chunks.flatMap((c) => JSON.parse(c) as unknown[])).toEqual(entries);
      }),
    );
  });

  it('names the entry that cannot fit one parameter', () => {
    expect(() => packEntries([{ name: 'ok' }, { name: 'x'.repeat(5000) }], (i) => `chatChannels[${i}]`)).toThrow(/^chatChannels\[1\]: takes 5011 bytes .* over the 4094/);
  });
});

describe('DeploymentList', () => {
  it('joins the chunks in number order (SSM returns them in any order), caching the read', async () => {
    ssm.on(GetParametersByPathCommand, { Path: PATH }).resolves({
      Parameters: [10, 2, 0, 1].map((n) => ({ Name: `${PATH}/${n}`, Value: JSON.stringify([`e${n}`]) })),
    });
    const list = new DeploymentList({ client: new SSMClient({ region: 'us-east-1' }) });
    expect(await list.read(PATH)).toEqual(['e0', 'e1', 'e2', 'e10']);
    expect(await list.read(PATH)).toEqual(['e0', 'e1', 'e2', 'e10']);
    expect(ssm.commandCalls(GetParametersByPathCommand)).toHaveLength(1);
  });

  it.each([
    ['no parameter', [], /^\/zk-lookout\/prod\/deployment\/sweep-ensembles: no parameters under this path/],
    ['a chunk that is not JSON', ['[1]', 'nope'], /sweep-ensembles\/1: not JSON/],
    ['a chunk that is not an array', ['{"a":1}'], /sweep-ensembles\/0: expected a JSON array, got object/],
  ])('names the parameter at fault for %s', async (_what, chunks, error) => {
    serve(chunks);
    await expect(new DeploymentList({ client: new SSMClient({ region: 'us-east-1' }) }).read(PATH)).rejects.toThrow(error);
  });
});
