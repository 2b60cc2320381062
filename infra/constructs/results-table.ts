/**
 * The results table: one round item per probe round and one state item per ensemble
 * (docs/ARCHITECTURE.md, "What is stored"). On demand, so an idle stack costs nothing; the stream
 * feeds the evaluator. Grants are named for what a function does with it.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { DELIVERY_KEY_PREFIX, ROUND_KEY_PREFIX } from '../../functions/contract/table-keys.ts';
import { Construct } from 'constructs';

export const TTL_ATTRIBUTE = 'ttl';

export class ResultsTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      stream: StreamViewType.NEW_IMAGE,
      encryption: TableEncryption.AWS_MANAGED,
      // Rounds and alert state outlive a `cdk destroy`; DEPLOY.md says how to remove them.
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /**
   * The probe: one conditional put per round, and only into round partitions (`RND#…`):
   * IAM's LeadingKeys condition keeps a compromised probe from forging a state item
   * (`ENS#…`) or a delivery-ledger entry.
   */
  grantWriteRounds(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:PutItem'],
      resourceArns: [this.table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${ROUND_KEY_PREFIX}*`] } },
    });
  }

  /** The evaluator and sweep: the state item and recent rounds. */
  grantReadState(grantee: IGrantable): Grant {
    return this.table.grant(grantee, 'dynamodb:GetItem', 'dynamodb:Query');
  }

  /**
   * The chat relay: its delivery ledger, and nothing else of the table (IAM's LeadingKeys
   * condition limits it to `DLV#…` partitions, so it cannot read rounds or state).
   */
  grantDeliveryLedger(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:PutItem', 'dynamodb:Query'],
      resourceArns: [this.table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${DELIVERY_KEY_PREFIX}*`] } },
    });
  }

  /** The evaluator and sweep: conditional writes of the state item. */
  grantWriteState(grantee: IGrantable): Grant {
    return this.table.grant(grantee, 'dynamodb:PutItem', 'dynamodb:UpdateItem');
  }
}
