import { type IVpc, Vpc } from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import type { VpcConfig } from '../config/deployment-config.ts';

/**
 * An existing VPC from the config, without lookups (synth stays offline): the CIDR and
 * route tables are what gateway endpoints and security-group rules need.
 */
export function importVpc(scope: Construct, id: string, net: VpcConfig): IVpc {
  return Vpc.fromVpcAttributes(scope, id, {
    vpcId: net.vpcId,
    vpcCidrBlock: net.cidr,
    availabilityZones: net.availabilityZones,
    privateSubnetIds: net.privateSubnetIds,
    privateSubnetRouteTableIds: net.routeTableIds,
  });
}
