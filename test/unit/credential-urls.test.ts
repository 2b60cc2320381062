/**
 * `user:password@` URLs are refused by both configuration schemas with a clear error: such
 * credentials end up in HTTP clients' errors and in `run`'s start-up line (issue 17).
 */
import { describe, expect, it } from 'vitest';
import { parseLocalConfig } from '../../cli/local/local-config.ts';
import { hasUserInfo } from '../../functions/contract/credential-free-url.ts';
import { DeploymentConfigError, parseDeploymentConfig } from '../../infra/config/deployment-config.ts';
import { exampleConfig } from '../support/infra-stack.ts';

const message = (work: () => unknown): string => {
  try {
    work();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the config to be rejected');
};

describe('URLs with credentials', () => {
  it.each([
    ['http://am:s3cret@alertmanager:9093', true],
    ['https://token@alertmanager:9093', true],
    ['http://alertmanager:9093', false],
    ['http://alertmanager:9093/path@x', false],
  ])('%s has user info: %s', (url, expected) => expect(hasUserInfo(url)).toBe(expected));

  it('the deployment config refuses an Alertmanager URL with user:password@, naming the field and where to put them', () => {
    const value = { ...exampleConfig(), alertmanager: { url: 'http://am:s3cret@alertmanager.internal:9093' } };
    let error: unknown;
    try {
      parseDeploymentConfig(value, 'zk-lookout.config.json');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DeploymentConfigError);
    expect((error as Error).message).toMatch(/alertmanager\.url/);
    expect((error as Error).message).toContain('must not contain user:password@');
    expect((error as Error).message).toContain('secretName');
    expect((error as Error).message).not.toContain('s3cret');
  });

  it('the deployment config still takes the URL without them', () => {
    expect(parseDeploymentConfig({ ...exampleConfig(), alertmanager: { url: 'http://alertmanager.internal:9093' } }, 'x').alertmanager?.url).toBe('http://alertmanager.internal:9093');
  });

  it('the local config refuses it too, pointing at authFile', () => {
    const text = message(() => parseLocalConfig({ ensembles: [{ name: 'a', servers: ['127.0.0.1:2181'] }], alertmanager: { url: 'http://am:s3cret@127.0.0.1:9093' } }, 'zk-lookout.json'));
    expect(text).toMatch(/alertmanager\.url/);
    expect(text).toContain('must not contain user:password@');
    expect(text).toContain('authFile');
    expect(text).not.toContain('s3cret');
  });
});
