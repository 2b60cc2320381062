/**
 * The silences list in SSM Parameter Store (`/zk-lookout/<stage>/silences`), for editing.
 * SSM has no conditional put on a version, so a write re-reads the parameter and compares
 * its Version just before PutParameter (Overwrite); a parameter that did not exist is
 * created with Overwrite false, which SSM refuses if someone created it meanwhile. The
 * window left open is the one between that re-read and the put.
 */
import { GetParameterCommand, ParameterAlreadyExists, ParameterNotFound, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { SilencesConflictError, type SilencesDocumentStore, type SilencesRead } from '../../app/silences-document.ts';
import { SettingsParameterNames } from '../../contract/handler-environment.ts';

export class SilencesParameter implements SilencesDocumentStore {
  readonly name: string;
  readonly description: string;
  readonly pretty = false;

  constructor(
    stage: string,
    private readonly client: SSMClient = new SSMClient({}),
  ) {
    this.name = SettingsParameterNames.silences(stage);
    this.description = `SSM parameter ${this.name}`;
  }

  async read(): Promise<SilencesRead> {
    try {
      const out = await this.client.send(new GetParameterCommand({ Name: this.name }));
      const version = out.Parameter?.Version;
      return { ...(out.Parameter?.Value !== undefined ? { text: out.Parameter.Value } : {}), ...(version !== undefined ? { version: String(version) } : {}) };
    } catch (err) {
      if (err instanceof ParameterNotFound) return {};
      throw err;
    }
  }

  async write(text: string, expectedVersion: string | undefined): Promise<void> {
    const current = await this.read();
    if (current.version !== expectedVersion) throw new SilencesConflictError(`${this.description} changed (version ${current.version ?? 'none'}, read ${expectedVersion ?? 'none'})`);
    try {
      await this.client.send(
        new PutParameterCommand({
          Name: this.name,
          Value: text,
          Type: 'String',
          Overwrite: expectedVersion !== undefined,
          Description: 'zk-lookout silences: JSON list of { id?, ensemble, server?, signal?, alertName?, until, reason }',
        }),
      );
    } catch (err) {
      if (err instanceof ParameterAlreadyExists) throw new SilencesConflictError(`${this.description} was created while it was being edited`);
      throw err;
    }
  }
}
