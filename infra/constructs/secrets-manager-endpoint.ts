/**
 * How a function inside a customer's VPC reaches Secrets Manager, as the config chose
 * (`vpc.secretsManagerEndpoint`):
 * - `existing`: an interface endpoint with private DNS already serves the VPC; the
 *   function gets HTTPS egress to the VPC CIDR, where that endpoint's addresses are.
 * - `create`: a new interface endpoint with private DNS **off**, so nothing else in the
 *   VPC starts resolving Secrets Manager to an endpoint that admits only zk-lookout (and
 *   it cannot collide with an endpoint that has private DNS on, nor needs the VPC's DNS
 *   hostnames attribute). The function is pointed at it by name through the SDK's
 *   `AWS_ENDPOINT_URL_SECRETS_MANAGER`; only its security group may connect.
 */
import { Fn } from 'aws-cdk-lib';
import { InterfaceVpcEndpoint, InterfaceVpcEndpointAwsService, type ISecurityGroup, type IVpc, Peer, Port, type SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import type { ENDPOINT_CHOICES } from '../config/deployment-config.ts';

/** The SDK v3 reads a service's endpoint from `AWS_ENDPOINT_URL_<SERVICE ID>`. */
export const SECRETS_MANAGER_ENDPOINT_ENV = 'AWS_ENDPOINT_URL_SECRETS_MANAGER';

export interface SecretsManagerReach {
  readonly choice: (typeof ENDPOINT_CHOICES)[number];
  readonly vpc: IVpc;
  readonly subnets: SubnetSelection;
  /** The function's own group (its egress rules are added here). */
  readonly client: ISecurityGroup;
  readonly what: string;
}

/** Sets up the chosen path; returns the environment the function needs (empty for `existing`). */
export function reachSecretsManager(scope: Construct, id: string, reach: SecretsManagerReach): Record<string, string> {
  if (reach.choice === 'existing') {
    reach.client.addEgressRule(Peer.ipv4(reach.vpc.vpcCidrBlock), Port.tcp(443), `${reach.what}: the VPC's Secrets Manager endpoint`);
    return {};
  }
  const endpoint = new InterfaceVpcEndpoint(scope, id, {
    vpc: reach.vpc,
    service: InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
    subnets: reach.subnets,
    privateDnsEnabled: false,
    open: false,
  });
  endpoint.connections.allowFrom(reach.client, Port.tcp(443), reach.what);
  // DnsEntries are "hostedZoneId:dnsName"; the first is the endpoint's regional name.
  const dnsName = Fn.select(1, Fn.split(':', Fn.select(0, endpoint.vpcEndpointDnsEntries)));
  return { [SECRETS_MANAGER_ENDPOINT_ENV]: `https://${dnsName}` };
}
