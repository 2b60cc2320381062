/**
 * AWS failures as one line an operator can act on: no credentials, expired credentials,
 * access denied, a table or parameter that is not there, no region. The SDK's own errors
 * carry a stack and often a bare "Requested resource not found"; these name the resource,
 * the region and what to do.
 *
 * The command line works on one AWS resource per run, so the command notes it when it
 * opens its client (`noteAwsResource`) and the top-level error report reads it back.
 */
import { ConfigError } from './config-error.ts';

export interface AwsResource {
  /** `table zk-lookout-prod-results`, `parameter /zk-lookout/prod/silences` */
  what: string;
  /** The client's region; throws or gives undefined when none is configured. */
  region(): Promise<string | undefined>;
}

let noted: AwsResource | undefined;

export function noteAwsResource(resource: AwsResource): void {
  noted = resource;
}

/** The AWS problem the error is, as a ConfigError (exit 78), or undefined when it is not one. */
export async function explainAwsError(err: unknown, resource: AwsResource | undefined = noted): Promise<ConfigError | undefined> {
  if (!(err instanceof Error)) return undefined;
  const name = err.name;
  const message = err.message.split('\n')[0] ?? '';
  const what = resource?.what ?? 'AWS';
  const region = async (): Promise<string> => {
    try {
      return (await resource?.region()) ?? 'the default region';
    } catch {
      return 'the default region';
    }
  };
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    return new ConfigError(`no AWS credentials found for ${what}: set AWS_PROFILE or run aws sso login (or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)`);
  }
  if (['ExpiredToken', 'ExpiredTokenException', 'TokenRefreshRequired', 'RequestExpired'].includes(name) || /(token|session).*(expired|is invalid)/i.test(message)) {
    return new ConfigError(`the AWS credentials for ${what} have expired: run aws sso login${process.env.AWS_PROFILE ? ` --profile ${process.env.AWS_PROFILE}` : ''}, or refresh AWS_SESSION_TOKEN`);
  }
  if (['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation', 'UnrecognizedClientException', 'InvalidSignatureException'].includes(name)) {
    return new ConfigError(`AWS refused access to ${what} in ${await region()} (${name}): ${message}; check which identity you are (aws sts get-caller-identity) and its IAM policy`);
  }
  if (name === 'ResourceNotFoundException' || name === 'ParameterNotFound') {
    return new ConfigError(`${what} not found in ${await region()}: check the name and --region (the stack's region)`);
  }
  if (/region is missing/i.test(message)) {
    return new ConfigError(`no AWS region for ${what}: pass --region R or set AWS_REGION`);
  }
  return undefined;
}
